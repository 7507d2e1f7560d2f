using System.Globalization;
using System.Text;

namespace Switchboard.Tests.Security.Fuzz;

/// <summary>
/// Writes random JSON as text, by hand so that it can also write what serializers never do: repeated keys, escapes that
/// are no text (<c>\ud800</c>), numbers out of every range, nesting past any limit.
/// </summary>
public sealed class JsonText(Random random)
{
    private static readonly string[] Strings =
    [
        "", "a", "chat:x", "public:x", "$private", "chat:$x", "user#1,2", "ns:", ":", "#", "a\u0000b", "\u00e9\u4e2d\ud83d\ude00",
        "\\ud800", "\\udfff", "\\u0000", "\\\"", "\\\\", "\\x", "\\u12", "%2E%2E", "../..", new string('a', 300), new string('b', 70_000),
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "0.5", "1e308", "1e999", "-1e999", "4294967295", "4294967296", "9223372036854775807",
        "99999999999999999999999", "1.0e-400", "NaN", "Infinity", "01", "1.", ".5", "--1",
    ];

    public Random Random => random;

    /// <summary>A JSON string literal, sometimes with a raw (unescaped) fragment that may break it.</summary>
    public string String(string? value = null)
    {
        value ??= Pick(Strings);
        var escaped = value.Contains('\\', StringComparison.Ordinal) ? value : value.Replace("\"", "\\\"", StringComparison.Ordinal);
        return "\"" + escaped + "\"";
    }

    public string Number() => Pick(Numbers);

    /// <summary>Any value, nested at most <paramref name="depth"/> levels (sometimes far deeper, at once).</summary>
    public string Value(int depth = 4)
    {
        if (random.Next(200) == 0)
        {
            var levels = random.Next(60, 5000);
            return new string('[', levels) + new string(']', levels);
        }

        return (depth <= 0 ? random.Next(4) : random.Next(7)) switch
        {
            0 => String(),
            1 => Number(),
            2 => Pick(["true", "false", "null"]),
            3 => String(Word()),
            4 => "[" + string.Join(',', Enumerable.Range(0, random.Next(4)).Select(_ => Value(depth - 1))) + "]",
            _ => Object(Enumerable.Range(0, random.Next(4)).Select(_ => (Word(), Value(depth - 1)))),
        };
    }

    /// <summary>An object of the given members; now and then one is repeated.</summary>
    public string Object(IEnumerable<(string Key, string Value)> members)
    {
        var list = members.ToList();
        if (list.Count > 0 && random.Next(10) == 0)
        {
            list.Add(list[random.Next(list.Count)]);
        }

        var text = new StringBuilder("{");
        for (var i = 0; i < list.Count; i++)
        {
            text.Append(i > 0 ? "," : "").Append(String(list[i].Key)).Append(':').Append(list[i].Value);
        }

        return text.Append('}').ToString();
    }

    public string Word() => Pick(["a", "x", "data", "channel", "id", "method", "params", "sub", "token", "limit", "offset"]) + (random.Next(4) == 0 ? random.Next(100).ToString(CultureInfo.InvariantCulture) : "");

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A value for a field that expects <paramref name="kind"/>, usually of that kind.</summary>
    public string Field(string kind) => random.Next(5) == 0 ? Value(2) : kind switch
    {
        "string" => String(),
        "number" => Number(),
        "bool" => Pick(["true", "false"]),
        _ => Value(3),
    };
}
