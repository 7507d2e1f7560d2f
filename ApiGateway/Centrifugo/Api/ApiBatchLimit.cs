namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary>
/// <c>api_batch_max_commands</c> on every server API generation (v1 arrays, v2/v3 lines, v4-v6 and gRPC batches):
/// a broadcast counts once per channel, since it publishes to each. Centrifugo bounds a broadcast only by the body
/// size; one request fanned out to every channel a 1 MiB body names is ~100,000 channel grain calls.
/// </summary>
public static class ApiBatchLimit
{
    /// <summary>What a broadcast to this many channels counts (an empty one is still a command).</summary>
    public static int Broadcast(int channels) => Math.Max(1, channels);

    /// <summary>The refusal of a request over the limit, in every generation's words.</summary>
    public static string TooMany(int count, int max) => $"too many commands: {count} in one request (a broadcast counts once per channel), at most {max} (api_batch_max_commands)";
}
