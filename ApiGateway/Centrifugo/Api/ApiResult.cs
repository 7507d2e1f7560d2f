using System.Text.Json;

namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary>One command's response: <c>{"body","error","method"}</c>; <see cref="WriteBody"/> null writes <c>"body":null</c>.</summary>
public sealed record ApiResult(string Method, string? Error, Action<Utf8JsonWriter>? WriteBody)
{
    public const string NamespaceNotFound = "namespace not found";
    public const string NotAvailable = "not available";
    public const string InvalidMessage = "invalid message";
    public const string InternalServerError = "internal server error";

    public static ApiResult Fail(string method, string error) => new(method, error, null);

    /// <summary>v1's wording of a server API error (v1 has no codes).</summary>
    public static string? ErrorOf(ApiError? error) => error?.Code switch
    {
        null => null,
        100 => InternalServerError,
        102 => NamespaceNotFound,
        108 => NotAvailable,
        _ => InvalidMessage,
    };

    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WritePropertyName("body");
        if (WriteBody is null)
        {
            w.WriteNullValue();
        }
        else
        {
            WriteBody(w);
        }

        if (Error is null)
        {
            w.WriteNull("error");
        }
        else
        {
            w.WriteString("error", Error);
        }

        w.WriteString("method", Method);
        w.WriteEndObject();
    }
}
