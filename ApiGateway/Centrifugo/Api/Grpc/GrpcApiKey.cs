using System.Globalization;
using Grpc.Core;

namespace Switchboard.ApiGateway.Centrifugo.Api.Grpc;

/// <summary>
/// The gRPC server API's key, as Centrifugo checks it: metadata <c>authorization: apikey &lt;key&gt;</c>, else
/// UNAUTHENTICATED. <c>api_insecure</c> opens it like the HTTP generations. Checked on the request's headers, before
/// gRPC reads the message: otherwise a caller without the key had each of its streams (100 a connection) buffer a
/// message in full.
/// </summary>
internal static class GrpcApiKey
{
    public static void Require(WebApplication app, string key, bool insecure)
    {
        if (insecure)
        {
            return;
        }

        app.Use((context, next) =>
        {
            if (ApiKey.AuthorizationKey(context.Request.Headers.Authorization.ToString()) is { } given && ApiKey.Matches(given, key))
            {
                return next(context);
            }

            // gRPC's trailers-only answer: the call's status in the response headers, and no message.
            var response = context.Response;
            response.ContentType = "application/grpc";
            response.Headers["grpc-status"] = ((int)StatusCode.Unauthenticated).ToString(CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = "unauthenticated";
            return Task.CompletedTask;
        });
    }
}
