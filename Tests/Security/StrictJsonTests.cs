using System.Text;
using System.Text.Json;
using Switchboard.Security;

namespace Switchboard.Tests.Security;

/// <summary>What counts as text: the byte scan must agree with what .NET can read as strings.</summary>
public sealed class StrictJsonTests
{
    [Theory]
    [InlineData("""{"a":"plain"}""")]
    [InlineData("""{"a":"\ud83d\ude00"}""")]
    [InlineData("""{"a":"\u00e9\u0000\"\\"}""")]
    [InlineData("""{"a":"\\ud800"}""")]
    [InlineData("""{"\ud83d\ude00":1}""")]
    [InlineData("""["\\\\", "\\\ud83d\ude00"]""")]
    public void TextIsText(string json)
    {
        Assert.True(StrictJson.IsText(Encoding.UTF8.GetBytes(json)));
        Assert.True(ReadsAsStrings(json));
    }

    [Theory]
    [InlineData("""{"a":"\ud800"}""")]
    [InlineData("""{"a":"\udfff"}""")]
    [InlineData("""{"a":"\ud83d"}""")]
    [InlineData("""{"a":"\ud83d\u0041"}""")]
    [InlineData("""{"a":"\ude00\ud83d"}""")]
    [InlineData("""{"\ud800":1}""")]
    [InlineData("""["\\\ud800"]""")]
    public void LoneSurrogatesAreNot(string json)
    {
        Assert.False(StrictJson.IsText(Encoding.UTF8.GetBytes(json)));
        Assert.False(ReadsAsStrings(json));
        Assert.Null(StrictJson.Parse(Encoding.UTF8.GetBytes(json)));
    }

    /// <summary>.NET's own verdict: every property name and string can be read.</summary>
    private static bool ReadsAsStrings(string json)
    {
        using var document = JsonDocument.Parse(json);
        try
        {
            Read(document.RootElement);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void Read(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    Read(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Read(item);
                }

                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
        }
    }
}
