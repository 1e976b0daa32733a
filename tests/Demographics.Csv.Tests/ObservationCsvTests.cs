using System.Globalization;
using IntegrationServices.Contracts.Demographics.V1;

namespace IntegrationServices.Demographics.Csv.Tests;

/// <summary>The observation CSV format: records, cells and header as the reader sees them.</summary>
public sealed class ObservationCsvTests
{
    private const string Good = """"
        indicator,area,reference_date,value,status,comment,dim.sex
        population_total,0,2016-12-31,250704,FINAL,"belegt, Quelle: ""Zeitung""",
        population_total,131,2016-12-31,12000,ESTIMATED,Beispieldaten,f
        foreign_nationals,areas/130,2022-12-31,5500.5,,"zwei
        Zeilen",
        """";

    [Fact]
    public async Task The_reader_handles_quotes_dimensions_and_line_numbers()
    {
        var rows = await ReadAsync(Good);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Empty(r.Violations));
        Assert.Equal("belegt, Quelle: \"Zeitung\"", rows[0].ToObservation(new()).Comment);
        Assert.Empty(rows[0].ToObservation(new()).Dimensions);
        Assert.Equal("f", rows[1].ToObservation(new()).Dimensions["sex"]);
        Assert.Equal(ObservationStatus.Estimated, rows[1].ToObservation(new()).Status);
        Assert.Equal(5500.5, rows[2].ToObservation(new()).Value);
        Assert.Equal("zwei\nZeilen", rows[2].ToObservation(new()).Comment.ReplaceLineEndings("\n"));
        Assert.Equal([2, 3, 4], rows.Select(r => r.Line));
    }

    [Fact]
    public async Task A_row_written_into_a_message_that_held_another_leaves_nothing_of_the_other_behind()
    {
        var rows = await ReadAsync("indicator,area,reference_date,value,status,comment,example,dim.sex\n" +
                                   "population_total,0,2016-12-31,5,ESTIMATED,Beispieldaten,true,f\nforeign_nationals,130,,7,,,,\n");
        var message = rows[0].ToObservation(new());
        message.RecordTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(new DateTime(2017, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        // The second row has no date (a violation: the command line would not send it), no status, comment, mark or dimension.
        Assert.Same(message, rows[1].ToObservation(message));
        Assert.Equal(new Observation { Indicator = "foreign_nationals", Area = "130", Value = 7 }, message);
    }

    [Fact]
    public async Task The_reader_names_bad_cells_and_rejects_bad_headers()
    {
        var rows = await ReadAsync("indicator,area,reference_date,value,status\npopulation_total,0,31.12.2016,1.234,5,FINAL\npopulation_total,0,2016-12-31,abc,DONE\n");
        Assert.Equal("observations[0].row", Assert.Single(rows[0].Violations).Field);
        Assert.Equal(["observations[1].value", "observations[1].status"], rows[1].Violations.Select(v => v.Field));
        Assert.Contains("line 3", rows[1].Violations[0].Description);
        Assert.True(double.IsNaN(rows[1].ToObservation(new()).Value));

        var header = await Assert.ThrowsAsync<ObservationCsvHeaderException>(() => ReadAsync("indicator,area,value,coment\n"));
        Assert.Equal(2, header.Violations.Count); // unknown 'coment', missing reference_date
        await Assert.ThrowsAsync<CsvFormatException>(() => ReadAsync("indicator,area,reference_date,value\n\"population_total,0,2016-12-31,1\n"));
    }

    [Theory]
    [InlineData("2016-12-31", true)]
    [InlineData("2016-02-29", true)]
    [InlineData("2017-02-29", false)]
    [InlineData("2016-13-01", false)]
    [InlineData("0000-01-01", false)]
    [InlineData("9999-12-31", true)]
    [InlineData("2016-1-31", false)]
    [InlineData("16-12-31", false)]
    [InlineData("2016/12/31", false)]
    [InlineData("2016-12-3x", false)]
    [InlineData("31.12.2016", false)]
    [InlineData("", false)]
    [InlineData("２016-12-31", false)]
    public void Dates_are_read_exactly_as_DateOnly_reads_yyyy_MM_dd(string text, bool valid)
    {
        var reference = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var expected);
        Assert.Equal(valid, reference);
        Assert.Equal(valid, ObservationCsv.TryParseDate(text, out var date));
        if (valid) Assert.Equal(expected, date);
    }

    [Theory]
    [InlineData("", ObservationStatus.Unspecified)]
    [InlineData("FINAL", ObservationStatus.Final)]
    [InlineData("final", ObservationStatus.Final)]
    [InlineData("Provisional", ObservationStatus.Provisional)]
    [InlineData("ESTIMATED", ObservationStatus.Estimated)]
    [InlineData("1", null)]
    [InlineData("Unspecified", null)]
    [InlineData("OBSERVATION_STATUS_UNSPECIFIED", null)]
    [InlineData("Final,Provisional", null)]
    [InlineData("vorläufig", null)]
    public void Statuses_are_names_in_any_case_and_nothing_else(string text, ObservationStatus? expected)
    {
        Assert.Equal(expected is not null, ObservationCsv.TryParseStatus(text, out var status));
        if (expected is not null) Assert.Equal(expected, status);
    }

    private static async Task<List<ObservationCsvRow>> ReadAsync(string text)
    {
        var rows = new List<ObservationCsvRow>();
        await foreach (var row in ObservationCsv.ReadAsync(new StringReader(text))) rows.Add(row);
        return rows;
    }
}
