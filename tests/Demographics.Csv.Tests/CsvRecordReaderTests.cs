namespace IntegrationServices.Demographics.Csv.Tests;

/// <summary>The record reader in bounded memory: fields past the cap are not kept, records of any length and line ending are read.</summary>
public sealed class CsvRecordReaderTests
{
    private const string Header = "indicator,area,reference_date,value,status,comment,dim.sex\n";

    [Fact]
    public async Task A_giant_quoted_field_is_refused_without_being_built_and_the_next_row_is_read()
    {
        // 50 million characters in one quoted comment: as a string alone 100 MB. The reader keeps none of it.
        var input = new GeneratedReader(
            (Header + "population_total,0,2016-12-31,1,FINAL,\"", 1),
            (new string('x', 1000), 50_000),
            ("\",f\npopulation_total,0,2017-12-31,2,FINAL,ok,\n", 1));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var rows = await ReadAsync(input);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 8_000_000, $"reading allocated {allocated:N0} bytes: the giant field was built");
        Assert.Equal(2, rows.Count);
        var violation = Assert.Single(rows[0].Violations);
        Assert.Equal("observations[0].comment", violation.Field);
        Assert.Contains($"longer than {CsvRecordReader.MaxFieldLength} characters", violation.Description);
        Assert.Contains("line 2", violation.Description);
        Assert.Equal("", rows[0].ToObservation(new()).Comment);
        Assert.Equal("f", rows[0].ToObservation(new()).Dimensions["sex"]);
        Assert.Empty(rows[1].Violations);
        Assert.Equal((3, "ok"), (rows[1].Line, rows[1].ToObservation(new()).Comment));
    }

    [Fact]
    public async Task A_line_longer_than_the_buffer_is_read_field_by_field_with_each_field_capped()
    {
        var longValue = new string('7', CsvRecordReader.MaxFieldLength + 1);
        var longComment = new string('c', CsvRecordReader.MaxFieldLength); // exactly the cap: kept
        var rows = await ReadAsync(new StringReader(Header +
            $"population_total,0,2016-12-31,{longValue},FINAL,{longComment},{new string('s', 200_000)}\n" +
            "population_total,0,2017-12-31,2,,,\n"));

        Assert.Equal(["observations[0].value", "observations[0].dimensions[sex]"], rows[0].Violations.Select(v => v.Field));
        Assert.Equal(longComment, rows[0].ToObservation(new()).Comment);
        Assert.Empty(rows[1].Violations);
    }

    [Fact]
    public async Task A_record_with_more_fields_than_the_reader_keeps_is_counted_not_held()
    {
        var rows = await ReadAsync(new StringReader(Header + "population_total,0,2016-12-31,1" + new string(',', 100_000) + "\n"));
        var violation = Assert.Single(rows[0].Violations);
        Assert.Equal("observations[0].row", violation.Field);
        Assert.Contains("has 100004 fields, the header has 7", violation.Description);
    }

    [Fact]
    public async Task A_giant_header_cell_is_refused()
    {
        var e = await Assert.ThrowsAsync<ObservationCsvHeaderException>(() =>
            ReadAsync(new StringReader("indicator,area,reference_date,value," + new string('d', 100_000) + "\n")));
        Assert.Contains(e.Violations, v => v.Description.Contains("column 5: longer than"));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public async Task Every_line_ending_reads_the_same_whatever_the_reads_return(string newline)
    {
        // Quoted fields with escaped quotes and line breaks, read once whole and once one character per read,
        // so that every quote, comma and line break meets the end of the buffer once.
        var text = string.Join(newline,
            "indicator,area,reference_date,value,status,comment,dim.sex",
            "population_total,0,2016-12-31,250704,FINAL,\"belegt, Quelle: \"\"Zeitung\"\"\",",
            "population_total,131,2016-12-31,12000,ESTIMATED,\"zwei" + newline + "Zeilen\",f",
            "",
            "foreign_nationals,areas/130,2022-12-31,5500.5,,plain,") + newline;
        var whole = await ReadAsync(new StringReader(text));
        var trickled = await ReadAsync(new GeneratedReader(maxRead: 1, (text, 1)));

        Assert.Equal(3, whole.Count);
        Assert.All(whole, r => Assert.Empty(r.Violations));
        Assert.Equal("belegt, Quelle: \"Zeitung\"", whole[0].ToObservation(new()).Comment);
        Assert.Equal("zwei\nZeilen", whole[1].ToObservation(new()).Comment);
        Assert.Equal([2, 3, 6], whole.Select(r => r.Line));
        Assert.Equal(whole.Select(r => (r.Line, r.ToObservation(new()))), trickled.Select(r => (r.Line, r.ToObservation(new()))));
    }

    [Fact]
    public async Task A_text_that_repeats_in_its_column_is_handed_out_once_and_every_field_still_reads_as_written()
    {
        // 3,000 rows: the indicator, area, date and dimension repeat; the values are all different, more than a
        // column keeps; the area of some rows is the text another column has (a value), which must not mix them up.
        var text = Header + string.Concat(Enumerable.Range(0, 3000).Select(i =>
            $"population_total,{(i % 2 == 0 ? "131" : i.ToString(System.Globalization.CultureInfo.InvariantCulture))},2016-12-31,{i},FINAL,,f\n"));
        var rows = await ReadAsync(new StringReader(text));

        Assert.Equal(3000, rows.Count);
        Assert.All(rows, r => Assert.Empty(r.Violations));
        for (var i = 0; i < rows.Count; i++)
        {
            var o = rows[i].ToObservation(new());
            Assert.Equal((i % 2 == 0 ? "131" : i.ToString(System.Globalization.CultureInfo.InvariantCulture), (double)i, "f"),
                (o.Area, o.Value, o.Dimensions["sex"]));
        }
        var (first, last) = (rows[0].ToObservation(new()), rows[^1].ToObservation(new()));
        Assert.Same(first.Indicator, last.Indicator);
        Assert.Same(first.Area, rows[^2].ToObservation(new()).Area);
        Assert.Same(first.Dimensions["sex"], last.Dimensions["sex"]);
    }

    private static async Task<List<ObservationCsvRow>> ReadAsync(TextReader text)
    {
        var rows = new List<ObservationCsvRow>();
        await foreach (var row in ObservationCsv.ReadAsync(text)) rows.Add(row);
        return rows;
    }

    /// <summary>
    /// UTF-8 text made of pieces, each repeated, produced as it is read (never held whole), read through a
    /// StreamReader as the service reads a request body; at most <c>maxRead</c> bytes per read. Reads complete
    /// synchronously, so allocations stay on the test's thread.
    /// </summary>
    private sealed class GeneratedReader(int maxRead, params (string Text, long Times)[] pieces)
        : StreamReader(new GeneratedStream(maxRead, pieces), System.Text.Encoding.UTF8, false, bufferSize: 4096)
    {
        public GeneratedReader(params (string Text, long Times)[] pieces) : this(int.MaxValue, pieces) { }
    }

    private sealed class GeneratedStream(int maxRead, (string Text, long Times)[] pieces) : Stream
    {
        private readonly byte[][] _bytes = pieces.Select(p => System.Text.Encoding.UTF8.GetBytes(p.Text)).ToArray();
        private int _piece;
        private long _repeat;
        private int _offset;

        public override int Read(Span<byte> buffer)
        {
            var limit = Math.Min(buffer.Length, maxRead);
            var written = 0;
            while (written < limit && _piece < _bytes.Length)
            {
                var text = _bytes[_piece];
                var n = Math.Min(limit - written, text.Length - _offset);
                text.AsSpan(_offset, n).CopyTo(buffer[written..]);
                (written, _offset) = (written + n, _offset + n);
                if (_offset < text.Length) continue;
                _offset = 0;
                if (++_repeat < pieces[_piece].Times) continue;
                (_repeat, _piece) = (0, _piece + 1);
            }
            return written;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => ValueTask.FromResult(Read(buffer.Span));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => Task.FromResult(Read(buffer, offset, count));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
