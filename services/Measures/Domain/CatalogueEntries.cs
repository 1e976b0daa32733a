namespace IntegrationServices.Measures.Domain;

/// <summary>A new action concept (Handlungskonzept): the council's decision that measures belong to.</summary>
public sealed record NewActionConcept(string Id, string Title, DateOnly? AdoptedOn, string CouncilPaper, string Note)
{
    public const int MaxTitle = 200, MaxCouncilPaper = 50, MaxNote = 2000;
}

/// <summary>A new organizational unit, below <see cref="ParentId"/> when it has one.</summary>
public sealed record NewUnit(string Id, string Title, string? ParentId)
{
    public const int MaxTitle = 200;
}
