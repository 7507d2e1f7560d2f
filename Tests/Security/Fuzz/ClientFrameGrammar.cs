using System.Text;

namespace Switchboard.Tests.Security.Fuzz;

/// <summary>
/// WebSocket messages of the JSON client protocol, sent on a connected client: one to a few newline-separated commands
/// <c>{"id":N,"method":{...}}</c> of every method, with their fields (tokens valid, foreign or garbage).
/// </summary>
public sealed class ClientFrameGrammar(Func<Random, string> token) : IFuzzGrammar
{
    private static readonly string[] Methods =
        ["connect", "subscribe", "unsubscribe", "publish", "presence", "presence_stats", "history", "refresh", "sub_refresh", "rpc", "send", "ping", "nope"];

    private static readonly (string Name, string Kind)[] Fields =
    [
        ("channel", "string"), ("token", "token"), ("data", "any"), ("recover", "bool"), ("offset", "number"), ("epoch", "string"),
        ("limit", "number"), ("reverse", "bool"), ("since", "position"), ("method", "string"), ("flag", "number"), ("subs", "any"),
    ];

    public byte[] Generate(Random random)
    {
        var json = new JsonText(random);
        var commands = Enumerable.Range(0, 1 + random.Next(4)).Select(_ => Command(json));
        return Encoding.UTF8.GetBytes(string.Join('\n', commands));
    }

    private string Command(JsonText json)
    {
        var random = json.Random;
        var request = json.Object(Fields.Where(_ => random.Next(4) == 0).Select(f => (f.Name, f.Kind switch
        {
            "token" => json.String(token(random)),
            "position" => json.Object([("offset", json.Number()), ("epoch", json.String())]),
            _ => json.Field(f.Kind),
        })));
        List<(string, string)> members = [("id", random.Next(10) == 0 ? json.Value(1) : (1 + random.Next(1000)).ToString(System.Globalization.CultureInfo.InvariantCulture))];
        if (random.Next(10) > 0)
        {
            members.Add((json.Pick(Methods), random.Next(10) == 0 ? json.Value(2) : request));
        }

        return json.Object(members);
    }
}
