using System.Buffers.Binary;
using System.Text;
using IntegrationServices.Demographics.Domain;
using Microsoft.Win32.SafeHandles;

namespace IntegrationServices.Demographics.Storage;

/// <summary>One row as read back from an <see cref="ObservationSpoolFile"/>; <see cref="Day"/> is the reference date's day number.</summary>
internal readonly record struct SpooledRow(int Series, int Day, double Value, string Status, bool Example, bool HasComment);

/// <summary>
/// The rows of one import in a flat, append-only temporary file, written once and read back once in the order
/// they were added: each a fixed part (series number, reference date, value, status, example mark, comment
/// length) and the comment's UTF-8 bytes, if any. Statuses are the few names of an enum: the file names them
/// by their position in a list kept in memory. The file is unlinked as soon as it is open (on Windows: deleted
/// when closed), so neither the end of the import nor a crash of the process leaves it behind.
/// </summary>
internal sealed class ObservationSpoolFile : IDisposable
{
    /// <summary>Series number, day number, value, status, example mark, comment length (−1: NULL).</summary>
    private const int FixedBytes = 4 + 4 + 8 + 1 + 1 + 4;

    private const int BufferBytes = 1 << 16;

    private readonly SafeFileHandle _file;
    private readonly List<string> _statuses = [];
    private byte[] _buffer = new byte[BufferBytes];
    private int _start, _end; // the buffer's unread (reading) or unwritten (writing: from 0) bytes
    private long _fileOffset, _fileLength;

    private ObservationSpoolFile(SafeFileHandle file) => _file = file;

    /// <summary>A new, empty spool file in <paramref name="directory"/>.</summary>
    public static ObservationSpoolFile Create(string directory)
    {
        var path = Path.Combine(directory, $"demographics-import-{Guid.NewGuid():N}.spool");
        var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Delete,
            OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose | FileOptions.SequentialScan : FileOptions.SequentialScan);
        try
        {
            // Unix: the open handle keeps the file; its name goes now, so it vanishes with the handle however the process ends.
            if (!OperatingSystem.IsWindows()) File.Delete(path);
            return new ObservationSpoolFile(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Appends a row of the series numbered <paramref name="series"/>.</summary>
    public void Add(int series, in NewObservation o)
    {
        var commentBytes = o.Comment is null ? 0 : Encoding.UTF8.GetMaxByteCount(o.Comment.Length);
        if (_end + FixedBytes + commentBytes > _buffer.Length)
        {
            Flush();
            if (FixedBytes + commentBytes > _buffer.Length) _buffer = new byte[FixedBytes + commentBytes];
        }
        var record = _buffer.AsSpan(_end);
        BinaryPrimitives.WriteInt32LittleEndian(record, series);
        BinaryPrimitives.WriteInt32LittleEndian(record[4..], o.ReferenceDate.DayNumber);
        BinaryPrimitives.WriteDoubleLittleEndian(record[8..], o.Value);
        record[16] = StatusNumber(o.Status);
        record[17] = o.Example ? (byte)1 : (byte)0;
        var length = o.Comment is null ? -1 : Encoding.UTF8.GetBytes(o.Comment, record[FixedBytes..]);
        BinaryPrimitives.WriteInt32LittleEndian(record[18..], length);
        _end += FixedBytes + Math.Max(length, 0);
    }

    private byte StatusNumber(string status)
    {
        for (var i = 0; i < _statuses.Count; i++)
            if (ReferenceEquals(_statuses[i], status) || string.Equals(_statuses[i], status, StringComparison.Ordinal)) return (byte)i;
        if (_statuses.Count > byte.MaxValue) throw new InvalidOperationException("More distinct statuses than the spool can number.");
        _statuses.Add(status);
        return (byte)(_statuses.Count - 1);
    }

    /// <summary>Writes the buffered rows to the file.</summary>
    public void Flush()
    {
        if (_end == 0) return;
        RandomAccess.Write(_file, _buffer.AsSpan(0, _end), _fileLength);
        _fileLength += _end;
        _end = 0;
    }

    /// <summary>Ends writing: from now on <see cref="TryRead"/> reads the rows from the first.</summary>
    public void Rewind()
    {
        Flush();
        (_start, _end, _fileOffset) = (0, 0, 0);
    }

    /// <summary>The next row (its comment's UTF-8 bytes valid until the next call), or false after the last.</summary>
    public bool TryRead(out SpooledRow row, out ReadOnlySpan<byte> comment)
    {
        if (!Fill(FixedBytes))
        {
            row = default;
            comment = default;
            return false;
        }
        var record = _buffer.AsSpan(_start);
        var length = BinaryPrimitives.ReadInt32LittleEndian(record[18..]);
        if (length > 0 && !Fill(FixedBytes + length)) throw new InvalidDataException("The import's spool file ends within a row.");
        record = _buffer.AsSpan(_start);
        row = new SpooledRow(BinaryPrimitives.ReadInt32LittleEndian(record), BinaryPrimitives.ReadInt32LittleEndian(record[4..]),
            BinaryPrimitives.ReadDoubleLittleEndian(record[8..]), _statuses[record[16]], record[17] != 0, length >= 0);
        comment = record.Slice(FixedBytes, Math.Max(length, 0));
        _start += FixedBytes + Math.Max(length, 0);
        return true;
    }

    /// <summary>Makes <paramref name="count"/> unread bytes available in the buffer; false at the end of the file.</summary>
    private bool Fill(int count)
    {
        if (_end - _start >= count) return true;
        _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        (_end, _start) = (_end - _start, 0);
        while (_end < count && _fileOffset < _fileLength)
        {
            var read = RandomAccess.Read(_file, _buffer.AsSpan(_end), _fileOffset);
            if (read == 0) break;
            (_end, _fileOffset) = (_end + read, _fileOffset + read);
        }
        if (_end >= count) return true;
        if (_end == 0) return false;
        throw new InvalidDataException("The import's spool file ends within a row.");
    }

    public void Dispose() => _file.Dispose();
}
