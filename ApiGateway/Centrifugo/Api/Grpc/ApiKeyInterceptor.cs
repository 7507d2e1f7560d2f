using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Switchboard.ApiGateway.Centrifugo.Api.Grpc;

/// <summary>
/// The gRPC server API's key, as Centrifugo checks it: metadata <c>authorization: apikey &lt;key&gt;</c>, else
/// UNAUTHENTICATED. <c>api_insecure</c> opens it like the HTTP generations.
/// </summary>
public sealed class ApiKeyInterceptor(string key, bool insecure) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (!insecure && !(ApiKey.AuthorizationKey(context.RequestHeaders.GetValue("authorization") ?? "") is { } given && ApiKey.Matches(given, key)))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "unauthenticated"));
        }

        return continuation(request, context);
    }
}
