namespace Switchboard.Tests.Security;

/// <summary>A named hostile input: the name is the theory row, so a failure says which case broke.</summary>
public interface IHostileCase
{
    string Name { get; }
}

/// <summary>Cases by name for <c>[MemberData]</c> theories: one test per case, looked up by its name.</summary>
public sealed class CaseTable<T>(IEnumerable<T> cases) where T : IHostileCase
{
    private readonly Dictionary<string, T> byName = cases.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public T this[string name] => byName[name];

    public IEnumerable<T> All => byName.Values;

    public TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var name in byName.Keys)
        {
            names.Add(name);
        }

        return names;
    }
}

/// <summary>One HTTP request as an attacker would send it (target verbatim), and the status it must get.</summary>
public sealed record HttpCase(string Name, string Method, string Target, int Status) : IHostileCase
{
    public (string Name, string Value)[] Headers { get; init; } = [];

    public byte[]? Body { get; init; }

    /// <summary>Send the body with <c>Transfer-Encoding: chunked</c> (no Content-Length to refuse it by).</summary>
    public bool Chunked { get; init; }

    /// <summary>More to assert about the answer: an error body of the surface's own kind, nothing leaked, ...</summary>
    public Action<RawResponse>? Check { get; init; }

    public override string ToString() => Name;
}

public static class HostileAssert
{
    /// <summary>Sends the case, asserts its status (and <see cref="HttpCase.Check"/>), then that the process still answers.</summary>
    public static async Task<RawResponse> Answers(HostileGateway gateway, HttpCase c)
    {
        var response = await RawHttp.Send(gateway.BaseUrl, c.Method, c.Target, c.Headers, c.Body, c.Chunked);
        var target = c.Target.Length > 80 ? c.Target[..80] + "..." : c.Target;
        Assert.True(response.Status == c.Status, $"{c.Name}: {c.Method} {target} answered {response}, expected {c.Status}");
        c.Check?.Invoke(response);
        await gateway.AssertStillAnswers(c.Name);
        return response;
    }
}
