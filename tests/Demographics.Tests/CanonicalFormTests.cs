using System.Globalization;
using System.Text;
using System.Text.Json;
using IntegrationServices.Contracts.Demographics.V1;
using IntegrationServices.Demographics.Csv;
using IntegrationServices.Demographics.Storage;

namespace IntegrationServices.Demographics.Tests;

/// <summary>
/// The import's fast paths must agree exactly with what they stand in for: the dimensions text is the
/// series key (a different text would split a series in two), and dates and statuses decide what is valid.
/// </summary>
public sealed class CanonicalFormTests
{
    private static string WriterText(IEnumerable<KeyValuePair<string, string>> dimensions)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var (k, v) in dimensions.OrderBy(d => d.Key, StringComparer.Ordinal)) writer.WriteString(k, v);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    [Fact]
    public void Dimensions_text_is_the_json_writers_text_for_every_character()
    {
        var values = Enumerable.Range(0, 128).Select(c => $"a{(char)c}b")
            .Concat(["Wohnstandort Böcklerstraße", "東京", "😀", "tab\tnew\nline", "quote\"back\\slash", "<&>'+`"]);
        foreach (var value in values)
        {
            KeyValuePair<string, string>[] one = [new("site", value)];
            KeyValuePair<string, string>[] two = [new("sex", "f"), new("age_group", value)];
            Assert.Equal(WriterText(one), Dimensions.Encode(one));
            Assert.Equal(WriterText(two), Dimensions.Encode(two));
            Assert.Equal(value, Dimensions.Decode(Dimensions.Encode(two))["age_group"]);
        }
        Assert.Equal("""{"age_group":"18-25","sex":"f"}""", Dimensions.Encode([new("sex", "f"), new("age_group", "18-25")]));
        Assert.Equal("", Dimensions.Encode([]));
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
}
