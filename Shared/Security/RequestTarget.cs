using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Switchboard.Security;

/// <summary>
/// The request target as the client sent it. Kestrel removes dot segments (also percent-encoded ones) before
/// routing, so a handler reading the raw target would see other segments than the router matched: every node
/// therefore refuses targets that are not in normal form before anything reads them, and handlers read the
/// segment the router matched a parameter from (<see cref="RouteSegment"/>).
/// </summary>
public static class RequestTarget
{
    /// <summary>
    /// Why the path of <paramref name="rawTarget"/> is not in normal form, or null when it is: a <c>.</c> or
    /// <c>..</c> segment (also percent-encoded, or between encoded slashes or backslashes), or an empty segment
    /// (<c>//</c>) other than a trailing slash. Encoded slashes inside a segment are kept (conversation ids hold
    /// them): the router and <see cref="RouteSegment"/> both see them as part of one segment.
    /// </summary>
    public static string? Problem(string rawTarget)
    {
        var path = Path(rawTarget);
        if (path is null)
        {
            return null;
        }

        var segments = path.Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            if (segments[i].Length == 0)
            {
                if (i < segments.Length - 1)
                {
                    return "empty path segment (//)";
                }

                continue;
            }

            foreach (var piece in Uri.UnescapeDataString(segments[i]).Split('/', '\\'))
            {
                if (piece is "." or "..")
                {
                    return "dot segment (. or ..) in the path";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Refuses requests whose target is not in normal form with 400, written by <paramref name="refuse"/> (given
    /// the reason), before routing results, authorization or handlers are used.
    /// </summary>
    public static IApplicationBuilder UseNormalFormTargets(this IApplicationBuilder app, Func<HttpContext, string, Task> refuse) =>
        app.Use((context, next) =>
        {
            var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
            return Problem(raw) is { } problem
                ? refuse(context, $"The request target is not in normal form: {problem}. Send the path without dot segments or empty segments.")
                : next(context);
        });

    /// <summary>
    /// The raw path segment the router matched the route parameter <paramref name="name"/> from, percent-decoded
    /// once (so <c>%2F</c> is a <c>/</c> of the value, which the decoded route value would leave encoded); null when
    /// the matched route has no such parameter. Relies on <see cref="UseNormalFormTargets"/>: in a normal-form target
    /// the raw segments are the routed ones.
    /// </summary>
    public static string? RouteSegment(HttpContext context, string name)
    {
        if (context.GetEndpoint() is not RouteEndpoint endpoint)
        {
            return null;
        }

        var index = -1;
        var segments = endpoint.RoutePattern.PathSegments;
        for (var i = 0; i < segments.Count; i++)
        {
            if (segments[i].Parts is [RoutePatternParameterPart parameter] && parameter.Name == name)
            {
                index = i;
                break;
            }
        }

        var path = Path(context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "");
        if (index < 0 || path is null)
        {
            return null;
        }

        var raw = path.Split('/');
        return index + 1 < raw.Length && raw[index + 1].Length > 0 ? Uri.UnescapeDataString(raw[index + 1]) : null;
    }

    /// <summary>The path of an origin-form (<c>/a/b?q</c>) or absolute-form (<c>http://host/a/b</c>) target; null for <c>*</c>.</summary>
    private static string? Path(string rawTarget)
    {
        var end = rawTarget.AsSpan().IndexOfAny('?', '#');
        var target = end >= 0 ? rawTarget[..end] : rawTarget;
        if (target.StartsWith('/'))
        {
            return target;
        }

        var scheme = target.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return null;
        }

        var slash = target.IndexOf('/', scheme + 3);
        return slash < 0 ? "/" : target[slash..];
    }
}
