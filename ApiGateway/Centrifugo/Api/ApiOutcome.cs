namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary>What a server API method returns: its result, or the error that stopped it.</summary>
public readonly record struct ApiOutcome<T>(T? Result, ApiError? Error)
{
    public static implicit operator ApiOutcome<T>(ApiError error) => new(default, error);

    public static implicit operator ApiOutcome<T>(T result) => new(result, null);
}
