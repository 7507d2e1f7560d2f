namespace Switchboard.Tests.Security.Fuzz;

/// <summary>
/// A surface the fuzzer feeds: it sends one input and says whether the server failed on it (a 5xx, an internal error
/// reply, a connection dropped without a close, a dead process). A refusal (4xx, a protocol close) is no failure.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>Null when the server handled the input; else what went wrong.</summary>
    Task<string?> Try(byte[] input);
}
