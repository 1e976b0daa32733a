using Google.Protobuf;

namespace IntegrationServices.Cli;

/// <summary>
/// What a command prints on standard output: with <c>--json</c> the answer in the API's JSON form (as JSON
/// transcoding gives it), else lines and aligned tables for people.
/// </summary>
internal sealed class Output(CliContext context, bool json)
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithIndentation());

    public bool Json { get; } = json;

    public TextWriter Writer => context.Out;

    public void Message(IMessage message) => context.Out.WriteLine(Formatter.Format(message));

    public void Line(string text) => context.Out.WriteLine(text);

    /// <summary>Columns padded to their widest cell; the last column is not padded.</summary>
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Prepend(headers).ToList();
        var widths = headers.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
            context.Out.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
    }

    /// <summary>The hint to the next page of a list, when there is one.</summary>
    public void NextPage(string nextPageToken)
    {
        if (nextPageToken.Length > 0) context.Out.WriteLine($"(more: --page-token {nextPageToken})");
    }
}
