using System.Text;

namespace IntegrationServices.Demographics.Csv;

/// <summary>
/// Streams RFC 4180 records (comma-separated, double-quoted fields with "" escapes, CRLF or LF) from a
/// <see cref="TextReader"/> through a fixed buffer, so files of any size are read without holding them.
/// </summary>
public sealed class CsvRecordReader(TextReader reader)
{
    private readonly char[] _buffer = new char[64 * 1024];
    private readonly StringBuilder _field = new();
    private int _position;
    private int _length;
    private int _line = 1;

    /// <summary>The physical line (1-based) on which the record last returned starts.</summary>
    public int RecordLine { get; private set; }

    /// <summary>The next record's fields, or null at the end of the input.</summary>
    public async ValueTask<List<string>?> ReadAsync(CancellationToken ct)
    {
        if (!await FillAsync(ct)) return null;
        RecordLine = _line;
        var fields = new List<string>();
        _field.Clear();
        var inQuotes = false;
        var quoted = false;
        while (true)
        {
            if (!await FillAsync(ct))
            {
                if (inQuotes) throw new CsvFormatException(RecordLine, "a quoted field is not closed before the end of the file");
                fields.Add(_field.ToString());
                return fields;
            }
            var c = _buffer[_position++];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (await FillAsync(ct) && _buffer[_position] == '"') { _field.Append('"'); _position++; }
                    else inQuotes = false;
                }
                else
                {
                    if (c == '\n') _line++;
                    _field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case ',':
                    fields.Add(_field.ToString());
                    _field.Clear();
                    quoted = false;
                    break;
                case '\r':
                    if (await FillAsync(ct) && _buffer[_position] == '\n') _position++;
                    _line++;
                    fields.Add(_field.ToString());
                    return fields;
                case '\n':
                    _line++;
                    fields.Add(_field.ToString());
                    return fields;
                case '"' when _field.Length == 0 && !quoted:
                    inQuotes = quoted = true;
                    break;
                default:
                    _field.Append(c);
                    break;
            }
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        if (_position < _length) return true;
        _length = await reader.ReadAsync(_buffer.AsMemory(), ct);
        _position = 0;
        return _length > 0;
    }
}

/// <summary>The input is not CSV at all (e.g. an unclosed quote); no row can be trusted after it.</summary>
public sealed class CsvFormatException(int line, string message) : Exception($"line {line}: {message}")
{
    public int Line { get; } = line;
}
