namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>An error reply (<c>{"error":{"code","message"}}</c>) with Centrifugo's codes.</summary>
public sealed record ClientError(int Code, string Message, bool Temporary = false)
{
    public static readonly ClientError Internal = new(100, "internal server error", true);
    public static readonly ClientError Unauthorized = new(101, "unauthorized");
    public static readonly ClientError UnknownChannel = new(102, "unknown channel");
    public static readonly ClientError PermissionDenied = new(103, "permission denied");
    public static readonly ClientError MethodNotFound = new(104, "method not found");
    public static readonly ClientError AlreadySubscribed = new(105, "already subscribed");
    public static readonly ClientError LimitExceeded = new(106, "limit exceeded");
    public static readonly ClientError BadRequest = new(107, "bad request");
    public static readonly ClientError NotAvailable = new(108, "not available");
    public static readonly ClientError TokenExpired = new(109, "token expired");
    public static readonly ClientError Expired = new(110, "expired");
    public static readonly ClientError TooManyRequests = new(111, "too many requests", true);
    public static readonly ClientError UnrecoverablePosition = new(112, "unrecoverable position");
}
