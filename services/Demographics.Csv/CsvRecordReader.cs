using System.Text;

namespace IntegrationServices.Demographics.Csv;

/// <summary>
/// Streams RFC 4180 records (comma-separated, double-quoted fields with "" escapes, CRLF or LF) from a
/// <see cref="TextReader"/> line by line, so files of any size are read without holding them. A quoted
/// field may span lines; its line breaks are read as "\n".
/// </summary>
public sealed class CsvRecordReader(TextReader reader)
{
    private readonly StringBuilder _field = new();
    private int _line;

    /// <summary>The physical line (1-based) on which the record last returned starts.</summary>
    public int RecordLine { get; private set; }

    /// <summary>The next record's fields, or null at the end of the input.</summary>
    public async ValueTask<List<string>?> ReadAsync(CancellationToken ct)
    {
        var line = await reader.ReadLineAsync(ct);
        if (line is null) return null;
        RecordLine = ++_line;
        var fields = new List<string>();
        if (!line.Contains('"'))
        {
            // The common case: no quoting at all.
            fields.AddRange(line.Split(','));
            return fields;
        }
        _field.Clear();
        var inQuotes = false;
        var quoted = false;
        while (true)
        {
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (inQuotes)
                {
                    if (c != '"') _field.Append(c);
                    else if (i + 1 < line.Length && line[i + 1] == '"') { _field.Append('"'); i++; }
                    else inQuotes = false;
                }
                else if (c == ',')
                {
                    fields.Add(_field.ToString());
                    _field.Clear();
                    quoted = false;
                }
                else if (c == '"' && _field.Length == 0 && !quoted) inQuotes = quoted = true;
                else _field.Append(c);
            }
            if (!inQuotes)
            {
                fields.Add(_field.ToString());
                return fields;
            }
            line = await reader.ReadLineAsync(ct)
                   ?? throw new CsvFormatException(RecordLine, "a quoted field is not closed before the end of the file");
            _line++;
            _field.Append('\n');
        }
    }
}

/// <summary>The input is not CSV at all (e.g. an unclosed quote); no row can be trusted after it.</summary>
public sealed class CsvFormatException(int line, string message) : Exception($"line {line}: {message}")
{
    public int Line { get; } = line;
}
