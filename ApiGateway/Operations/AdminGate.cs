namespace Switchboard.ApiGateway.Operations;

/// <summary>
/// Guards the admin surfaces (<c>/dashboard</c> but its login form, <c>/metrics</c>). Browsers asking for a page
/// are sent to the login form; anything else gets 401 with a <c>WWW-Authenticate: Bearer</c> challenge.
/// </summary>
public sealed class AdminGate(AdminAccess access)
{
    public const string DashboardPath = "/dashboard";
    public const string MetricsPath = "/metrics";

    public async Task Invoke(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        var open = path.StartsWithSegments(DashboardPath) ? access.Options.DashboardOpen
            : path.StartsWithSegments(MetricsPath) ? access.Options.MetricsOpen
            : true;
        if (open || path.StartsWithSegments(DashboardLogin.Path) || await access.IsAdmin(context))
        {
            await next(context);
            return;
        }

        if (HttpMethods.IsGet(context.Request.Method) && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
        {
            context.Response.Redirect(DashboardLogin.Path + "?return=" + Uri.EscapeDataString(path + context.Request.QueryString));
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"switchboard admin\"";
        await context.Response.WriteAsync($"admin credentials required: log in at {DashboardLogin.Path}, or send Authorization: Bearer <dashboard password | auth token | admin JWT>\n");
    }
}
