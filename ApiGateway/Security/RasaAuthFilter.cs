using Switchboard.ApiGateway.Conversations;
using Switchboard.Security;

namespace Switchboard.ApiGateway.Security;

/// <summary>Guards a Rasa route group: 401 without valid credentials, 403 when the JWT's role and username do not reach the route.</summary>
public sealed class RasaAuthFilter(RasaAuth auth) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await auth.Authenticate(context.HttpContext);
        if (!result.IsAuthenticated)
        {
            return RasaErrors.NotAuthenticated();
        }

        var conversationId = RasaRequest.ConversationId(context.HttpContext);
        return result.Principal!.MayAccess(conversationId) ? await next(context) : RasaErrors.NotAuthorized();
    }
}
