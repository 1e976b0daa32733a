using System.CommandLine;

namespace IntegrationServices.Cli.Commands;

/// <summary>The options of a list command: <c>--filter</c>, <c>--page-size</c>, <c>--page-token</c>.</summary>
internal sealed class ListOptions
{
    public Option<string?> Filter { get; } = new("--filter") { Description = "AIP-160 filter, e.g. \"state = PLANNED\" (the fields are the method's, see API.md)" };

    public Option<int> PageSize { get; } = Values.Number("--page-size", "Items per page (0: the service's default of 50; larger than 1000: 1000)", 0, int.MaxValue);

    public Option<string?> PageToken { get; } = new("--page-token") { Description = "The next page, as the previous page printed it" };

    public void AddTo(Command command)
    {
        command.Options.Add(Filter);
        command.Options.Add(PageSize);
        command.Options.Add(PageToken);
    }
}
