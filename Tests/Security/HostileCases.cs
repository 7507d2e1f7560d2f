using System.Text.RegularExpressions;

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

    /// <summary>Hang up in the middle of the body instead of waiting for an answer (expect status 0).</summary>
    public bool HangUp { get; init; }

    /// <summary>More to assert about the answer: an error body of the surface's own kind, nothing leaked, ...</summary>
    public Action<RawResponse>? Check { get; init; }

    public override string ToString() => Name;
}

public static partial class HostileAssert
{
    /// <summary>
    /// Sends the case, asserts its status (and <see cref="HttpCase.Check"/>), then that the process still answers and
    /// logged no stack trace for it (a refused or vanished client is no server fault).
    /// </summary>
    public static async Task<RawResponse> Answers(HostileGateway gateway, HttpCase c)
    {
        var mark = gateway.Process.Output.Length;
        var response = await RawHttp.Send(gateway.BaseUrl, c.Method, c.Target, c.Headers, c.Body, c.Chunked, c.HangUp);
        var target = c.Target.Length > 80 ? c.Target[..80] + "..." : c.Target;
        Assert.True(response.Status == c.Status, $"{c.Name}: {c.Method} {target} answered {response}, expected {c.Status}");
        c.Check?.Invoke(response);
        await gateway.AssertStillAnswers(c.Name);
        AssertNoStackTrace(gateway, mark, c.Name);
        return response;
    }

    /// <summary>
    /// The process logged no stack trace since <paramref name="mark"/> (a length of its output). The console logger
    /// indents an exception's lines by six spaces, so a frame is a line of spaces, <c>at</c> and a method's name
    /// with its parameters (the check looked for three spaces after the line break, and matched none).
    /// </summary>
    public static void AssertNoStackTrace(HostileGateway gateway, int mark, string after)
    {
        var output = gateway.Process.Output;
        var since = output.Length > mark ? output[mark..] : "";
        Assert.False(StackFrame().IsMatch(since), $"a stack trace was logged after {after}:\n{since}");
    }

    [GeneratedRegex(@"^\s+at \S+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
