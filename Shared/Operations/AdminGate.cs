using Microsoft.AspNetCore.Http;

namespace Switchboard.Operations;

/// <summary>
/// Guards the admin surfaces (<c>/dashboard</c> but its login form, <c>/metrics</c>) on gateways and on the silos'
/// metrics listeners. Where a login form is mapped (gateways), browsers asking for a page are sent to it; anything
/// else gets 401 with a <c>WWW-Authenticate: Bearer</c> challenge. A credential in the request (a bearer or
/// <c>?token=</c>) that is wrong counts against the client's address (<see cref="AdminAttempts"/>, 429 once spent).
/// </summary>
public sealed class AdminGate(AdminAccess access, AdminAttempts attempts, string? loginPath)
{
    public const string DashboardPath = "/dashboard";
    public const string MetricsPath = "/metrics";

    public Task Invoke(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        var open = path.StartsWithSegments(DashboardPath) ? access.Options.DashboardOpen
            : path.StartsWithSegments(MetricsPath) ? access.Options.MetricsOpen
            : true;

        // Everything else (the APIs) passes straight through, without an async frame of ours per request.
        return open ? next(context) : Guard(context, next, path);
    }

    private async Task Guard(HttpContext context, RequestDelegate next, PathString path)
    {
        if (loginPath is not null && path.StartsWithSegments(loginPath))
        {
            await next(context);
            return;
        }

        // A session cookie is signed, not guessed: only credentials sent as such are counted.
        var guess = context.Request.Headers.Authorization.Count > 0 || context.Request.Query.ContainsKey("token");
        if (guess && attempts.Exhausted(context))
        {
            await attempts.Refuse(context);
            return;
        }

        if (await access.IsAdmin(context))
        {
            await next(context);
            return;
        }

        if (guess)
        {
            attempts.Failed(context);
        }

        if (loginPath is not null && HttpMethods.IsGet(context.Request.Method) && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
        {
            context.Response.Redirect(loginPath + "?return=" + Uri.EscapeDataString(path + context.Request.QueryString));
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"switchboard admin\"";
        var login = loginPath is null ? "" : $"log in at {loginPath}, or ";
        await context.Response.WriteAsync($"admin credentials required: {login}send Authorization: Bearer <dashboard password | auth token | admin JWT>\n");
    }
}
