using System.Text;

namespace IntegrationServices.Demographics.Csv;

/// <summary>
/// Streams RFC 4180 records (comma-separated, double-quoted fields with "" escapes, lines ending in CRLF, LF
/// or CR) from a <see cref="TextReader"/> through a fixed buffer, so input of any size, and any line length,
/// is read in bounded memory: a field longer than <see cref="MaxFieldLength"/> is not kept (it is returned
/// empty and named in <see cref="OversizedFields"/>), and fields beyond <see cref="MaxFields"/> are only
/// counted (<see cref="FieldCount"/>). A quoted field may span lines; its line breaks are read as "\n".
/// A record's fields are handed out in one list that the next record reuses; the text of a short field that
/// repeats a field before it in the same column (a code, a name, a date) is handed out as the same string.
/// </summary>
public sealed class CsvRecordReader(TextReader reader)
{
    /// <summary>
    /// The longest field kept, in characters: far more than any valid cell (a comment has at most 2,000, the
    /// dimensions 700 together), so only input that is refused anyway is cut.
    /// </summary>
    public const int MaxFieldLength = 8192;

    /// <summary>The most fields of a record kept (a header names far fewer columns).</summary>
    public const int MaxFields = 1000;

    /// <summary>Columns whose texts are kept for reuse (see <see cref="Text"/>), and how many texts each keeps at most.</summary>
    private const int KeptColumns = 64, KeptTextsPerColumn = 1024;

    /// <summary>Longer fields are rarely repeated (comments) and are always made anew.</summary>
    private const int MaxKeptLength = 64;

    private readonly char[] _buffer = new char[64 * 1024];
    private readonly StringBuilder _field = new();
    private readonly List<string> _fields = [];
    // Each column's kept texts, looked up by span (the lookup is made once: making it checks the comparer's type).
    private readonly List<HashSet<string>.AlternateLookup<ReadOnlySpan<char>>> _kept = [];
    private readonly List<int> _oversized = [];
    private int _start, _end;
    private bool _endOfInput;
    private int _line;

    /// <summary>The physical line (1-based) on which the record last returned starts.</summary>
    public int RecordLine { get; private set; }

    /// <summary>How many fields the record last returned has, including those beyond <see cref="MaxFields"/>.</summary>
    public int FieldCount { get; private set; }

    /// <summary>The positions (0-based) of the fields of the record last returned that were longer than <see cref="MaxFieldLength"/>.</summary>
    public IReadOnlyList<int> OversizedFields => _oversized;

    /// <summary>The next record's fields, or null at the end of the input; the list is valid until the next call.</summary>
    public async ValueTask<List<string>?> ReadAsync(CancellationToken ct)
    {
        if (_start == _end && !await FillAsync(ct)) return null;
        RecordLine = ++_line;
        FieldCount = 0;
        _oversized.Clear();
        var fields = _fields;
        fields.Clear();

        // The common case: a whole line without quotes in the buffer, split where it lies.
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            var stop = pending.IndexOfAny('\n', '\r', '"');
            if (stop >= 0 && pending[stop] == '"') break; // quoting: character by character
            if (stop >= 0 && (pending[stop] == '\n' || stop + 1 < pending.Length || _endOfInput))
            {
                Split(pending[..stop], fields);
                _start += stop + (pending[stop] == '\r' && stop + 1 < pending.Length && pending[stop + 1] == '\n' ? 2 : 1);
                return fields;
            }
            if (stop < 0 && _endOfInput)
            {
                Split(pending, fields);
                _start = _end;
                return fields;
            }
            // The line goes on past the buffer (or a CR may be followed by LF): read on, or, when the buffer
            // is full, continue character by character.
            if (_end - _start == _buffer.Length) break;
            await FillAsync(ct);
        }
        return await ReadCharactersAsync(fields, ct);
    }

    private void Split(ReadOnlySpan<char> line, List<string> fields)
    {
        while (true)
        {
            var comma = line.IndexOf(',');
            var field = comma < 0 ? line : line[..comma];
            if (field.Length > MaxFieldLength) Add(fields, oversized: true);
            else Add(fields, Text(field));
            if (comma < 0) return;
            line = line[(comma + 1)..];
        }
    }

    /// <summary>A record with quotes, or longer than the buffer: read character by character, keeping each field up to the cap.</summary>
    private async ValueTask<List<string>> ReadCharactersAsync(List<string> fields, CancellationToken ct)
    {
        _field.Clear();
        var (inQuotes, quoted, oversized) = (false, false, false);
        while (true)
        {
            if (_start == _end && !await FillAsync(ct))
            {
                if (inQuotes) throw new CsvFormatException(RecordLine, "a quoted field is not closed before the end of the file");
                EndField(fields, ref oversized);
                return fields;
            }
            var c = _buffer[_start++];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (await PeekAsync(ct) == '"') { Append('"', ref oversized); _start++; }
                    else inQuotes = false;
                }
                else if (c is '\n' or '\r')
                {
                    if (c == '\r' && await PeekAsync(ct) == '\n') _start++;
                    _line++;
                    Append('\n', ref oversized);
                }
                else Append(c, ref oversized);
            }
            else if (c == ',')
            {
                EndField(fields, ref oversized);
                quoted = false;
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && await PeekAsync(ct) == '\n') _start++;
                EndField(fields, ref oversized);
                return fields;
            }
            else if (c == '"' && _field.Length == 0 && !quoted && !oversized) inQuotes = quoted = true;
            else Append(c, ref oversized);
        }
    }

    private void Append(char c, ref bool oversized)
    {
        if (oversized) return;
        if (_field.Length == MaxFieldLength)
        {
            oversized = true;
            _field.Clear();
            return;
        }
        _field.Append(c);
    }

    private void EndField(List<string> fields, ref bool oversized)
    {
        if (oversized) Add(fields, oversized: true);
        else Add(fields, _field.ToString());
        _field.Clear();
        oversized = false;
    }

    /// <summary>
    /// The field's text: the string handed out before for the same text in the same column, if kept, else a new
    /// one, kept while its column keeps fewer than <see cref="KeptTextsPerColumn"/> (a column of distinct values
    /// such as numbers fills its share and then costs one lookup per field).
    /// </summary>
    private string Text(ReadOnlySpan<char> field)
    {
        if (field.Length == 0) return "";
        if (field.Length > MaxKeptLength || FieldCount >= KeptColumns) return field.ToString();
        while (_kept.Count <= FieldCount) _kept.Add(new HashSet<string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>());
        var column = _kept[FieldCount];
        if (column.TryGetValue(field, out var kept)) return kept;
        var text = field.ToString();
        if (column.Set.Count < KeptTextsPerColumn) column.Set.Add(text);
        return text;
    }

    private void Add(List<string> fields, string text)
    {
        if (FieldCount++ < MaxFields) fields.Add(text);
    }

    private void Add(List<string> fields, bool oversized)
    {
        if (oversized && FieldCount < MaxFields) _oversized.Add(FieldCount);
        Add(fields, "");
    }

    /// <summary>The next character without taking it; -1 at the end of the input.</summary>
    private async ValueTask<int> PeekAsync(CancellationToken ct) =>
        _start < _end || await FillAsync(ct) ? _buffer[_start] : -1;

    /// <summary>Moves what is left to the front of the buffer and reads more after it; false when nothing more came.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        if (_endOfInput) return false;
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            (_end, _start) = (_end - _start, 0);
        }
        var read = await reader.ReadAsync(_buffer.AsMemory(_end), ct);
        if (read == 0)
        {
            _endOfInput = true;
            return false;
        }
        _end += read;
        return true;
    }
}

/// <summary>The input is not CSV at all (e.g. an unclosed quote); no row can be trusted after it.</summary>
public sealed class CsvFormatException(int line, string message) : Exception($"line {line}: {message}")
{
    public int Line { get; } = line;
}
