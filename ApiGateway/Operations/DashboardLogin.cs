using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Switchboard.Operations;

namespace Switchboard.ApiGateway.Operations;

/// <summary>The admin login form: trades a credential for a session cookie, then returns to the dashboard.</summary>
public static class DashboardLogin
{
    public const string Path = "/dashboard/login";

    public static void Map(WebApplication app)
    {
        app.MapGet(Path, (string? @return) => Page(@return, error: null, StatusCodes.Status200OK));
        app.MapPost(Path, async (HttpContext context, AdminAccess access, AdminAttempts attempts) =>
        {
            if (!context.Request.HasFormContentType)
            {
                return Results.Text("expected a form post (application/x-www-form-urlencoded)\n", statusCode: StatusCodes.Status415UnsupportedMediaType);
            }

            if (attempts.Exhausted(context))
            {
                await attempts.Refuse(context);
                return Results.Empty;
            }

            var (form, refusal) = await ReadForm(context);
            if (form is null)
            {
                return refusal!;
            }

            var returnTo = form["return"].ToString();
            if (!await access.IsAdminCredential(form["credential"].ToString()))
            {
                attempts.Failed(context);
                return Page(returnTo, "Wrong password or token.", StatusCodes.Status401Unauthorized);
            }

            context.Response.Cookies.Append(AdminAccess.CookieName, access.IssueSession(DateTimeOffset.UtcNow), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Path = "/",
                MaxAge = AdminAccess.SessionLifetime,
            });
            return Results.Redirect(SafeReturn(returnTo));
        }).DisableAntiforgery();
    }

    /// <summary>
    /// Largest login form: a credential that fits in a request's headers (Kestrel's 32 KB) fits in it. Anyone may post
    /// it and it is read whole, in memory: without a bound a form took Kestrel's 30 MB, and a value over ASP.NET's 4 MB
    /// answered 500.
    /// </summary>
    private const int MaxFormBytes = 32 * 1024;

    /// <summary>The posted form, or why not: 413 over <see cref="MaxFormBytes"/> (declared, or found while reading), 400 when it is malformed.</summary>
    private static async Task<(IFormCollection? Form, IResult? Refusal)> ReadForm(HttpContext context)
    {
        var tooLarge = Results.Text($"a login form is at most {MaxFormBytes} bytes\n", statusCode: StatusCodes.Status413PayloadTooLarge);
        if (context.Request.ContentLength > MaxFormBytes)
        {
            return (null, tooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxFormBytes;
        }

        try
        {
            return (await context.Request.ReadFormAsync(context.RequestAborted), null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, tooLarge);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // A multipart body without its boundaries or headers, or cut short.
            return (null, Results.Text("malformed form data\n", statusCode: StatusCodes.Status400BadRequest));
        }
    }

    /// <summary>Only local dashboard paths, so the form cannot be used as an open redirect.</summary>
    private static string SafeReturn(string? returnTo) =>
        returnTo is { Length: > 0 } r && r.StartsWith("/dashboard", StringComparison.Ordinal) && !r.StartsWith(Path, StringComparison.Ordinal) ? r : "/dashboard/";

    private static IResult Page(string? returnTo, string? error, int status)
    {
        var message = error is null ? "" : $"<p class=\"error\">{WebUtility.HtmlEncode(error)}</p>";
        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Switchboard admin login</title>
            <style>body{font-family:sans-serif;max-width:28em;margin:4em auto}input{width:100%;padding:.4em;margin:.3em 0}.error{color:#b00}</style>
            </head><body>
            <h1>Switchboard dashboard</h1>
            <p>Log in with the dashboard password, the auth token, or an admin JWT (the gateway prints generated ones at start-up).</p>
            {{message}}
            <form method="post" action="{{Path}}">
            <input type="hidden" name="return" value="{{WebUtility.HtmlEncode(SafeReturn(returnTo))}}">
            <label for="credential">Password or token</label>
            <input id="credential" name="credential" type="password" autocomplete="current-password" autofocus>
            <input type="submit" value="Log in">
            </form></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
