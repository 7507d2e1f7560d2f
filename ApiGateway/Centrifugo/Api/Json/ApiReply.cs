using System.Text.Json;

namespace Switchboard.ApiGateway.Centrifugo.Api.Json;

/// <summary>One method's reply: its error, or the writer of its result object.</summary>
public sealed record ApiReply(ApiError? Error, Action<Utf8JsonWriter>? WriteResult)
{
    /// <summary>The result of methods that return nothing: <c>{}</c>.</summary>
    public static readonly Action<Utf8JsonWriter> Empty = static w =>
    {
        w.WriteStartObject();
        w.WriteEndObject();
    };

    /// <summary>Writes <c>"error":{"code","message"}</c>, or the result under <paramref name="resultName"/>.</summary>
    public void WriteFields(Utf8JsonWriter w, string resultName)
    {
        if (Error is not null)
        {
            w.WritePropertyName("error");
            WriteError(w, Error);
            return;
        }

        w.WritePropertyName(resultName);
        (WriteResult ?? Empty)(w);
    }

    public static void WriteError(Utf8JsonWriter w, ApiError error)
    {
        w.WriteStartObject();
        w.WriteNumber("code", error.Code);
        w.WriteString("message", error.Message);
        w.WriteEndObject();
    }
}
