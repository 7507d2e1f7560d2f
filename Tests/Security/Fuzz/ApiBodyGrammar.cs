using System.Text;

namespace Switchboard.Tests.Security.Fuzz;

/// <summary>Bodies of <c>POST /api/</c>: one command or a batch, of the v1 methods with their parameters, or near misses.</summary>
public sealed class ApiBodyGrammar : IFuzzGrammar
{
    private static readonly string[] Methods = ["publish", "broadcast", "unsubscribe", "disconnect", "presence", "history", "channels", "stats", "node", "PUBLISH", "nope", ""];

    private static readonly (string Name, string Kind)[] Parameters =
        [("channel", "string"), ("channels", "array"), ("data", "any"), ("user", "string"), ("client", "string")];

    public byte[] Generate(Random random)
    {
        var json = new JsonText(random);
        var body = random.Next(3) == 0
            ? "[" + string.Join(',', Enumerable.Range(0, random.Next(12)).Select(_ => Command(json))) + "]"
            : Command(json);
        return Encoding.UTF8.GetBytes(body);
    }

    private static string Command(JsonText json)
    {
        var random = json.Random;
        var parameters = Parameters.Where(_ => random.Next(3) > 0).Select(p => (p.Name, p.Kind == "array" ? Channels(json) : json.Field(p.Kind)));
        List<(string, string)> members = [("method", random.Next(8) == 0 ? json.Value(1) : json.String(json.Pick(Methods)))];
        if (random.Next(8) > 0)
        {
            members.Add(("params", random.Next(10) == 0 ? json.Value(2) : json.Object(parameters)));
        }

        return json.Object(members);
    }

    private static string Channels(JsonText json) =>
        "[" + string.Join(',', Enumerable.Range(0, json.Random.Next(4)).Select(_ => json.Field("string"))) + "]";
}
