namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary>A server API error with Centrifugo's codes (v2 on): <c>{"error":{"code","message"}}</c>, or a gRPC reply's <c>error</c>.</summary>
public sealed record ApiError(uint Code, string Message)
{
    public static readonly ApiError Internal = new(100, "internal server error");
    public static readonly ApiError UnknownChannel = new(102, "unknown channel");
    public static readonly ApiError NotFound = new(104, "not found");
    public static readonly ApiError BadRequest = new(107, "bad request");
    public static readonly ApiError NotAvailable = new(108, "not available");
    public static readonly ApiError UnrecoverablePosition = new(112, "unrecoverable position");
}
