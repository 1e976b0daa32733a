namespace IntegrationServices.Measures.Storage;

public sealed record FieldOfActionRow
{
    public int Number { get; init; }
    public string Title { get; init; } = "";
    public string Description { get; init; } = "";
}

public sealed record ActionConceptRow
{
    public string Id { get; init; } = "";
    public string Title { get; init; } = "";
    public DateOnly? AdoptedOn { get; init; }
    public string CouncilPaper { get; init; } = "";
    public string Note { get; init; } = "";
    public DateTime CreateTime { get; init; }
}

public sealed record UnitRow
{
    public string Id { get; init; } = "";
    public string Title { get; init; } = "";
    public string? ParentId { get; init; }
    public DateTime CreateTime { get; init; }
}
