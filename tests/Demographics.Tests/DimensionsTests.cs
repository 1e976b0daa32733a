using System.Text;
using System.Text.Json;
using IntegrationServices.Demographics.Domain;

namespace IntegrationServices.Demographics.Tests;

/// <summary>
/// The dimensions text is the series key: the import's fast path must give exactly the JSON writer's text
/// (a different text would split a series in two).
/// </summary>
public sealed class DimensionsTests
{
    private static readonly DimensionTexts Texts = new();

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
            Assert.Equal(WriterText(one), Texts.Of(one));
            Assert.Equal(WriterText(two), Texts.Of(two));
            Assert.Equal(value, Dimensions.Decode(Texts.Of(two))["age_group"]);
        }
        Assert.Equal("""{"age_group":"18-25","sex":"f"}""", Texts.Of([new("sex", "f"), new("age_group", "18-25")]));
        Assert.Equal("", Texts.Of([]));
    }
}
