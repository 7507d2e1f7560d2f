using System.Security.Cryptography;
using System.Text;

namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary>
/// The API key of the server APIs from v2 on, as Centrifugo reads it: the <c>X-API-Key</c> header, else
/// <c>Authorization: apikey &lt;key&gt;</c>, else the <c>api_key</c> query parameter (gRPC: the <c>authorization</c>
/// metadata <c>apikey &lt;key&gt;</c>). Comparisons take constant time.
/// </summary>
public static class ApiKey
{
    public const string Header = "X-API-Key";
    public const string Scheme = "apikey";
    public const string QueryParameter = "api_key";

    /// <summary>Whether the request names a key at all (it is then a v2+ request, even on <c>/api/</c>).</summary>
    public static bool IsPresented(HttpRequest request) =>
        request.Headers.ContainsKey(Header) || AuthorizationKey(request.Headers.Authorization.ToString()) is not null || request.Query.ContainsKey(QueryParameter);

    public static bool Verify(HttpRequest request, string key)
    {
        var header = request.Headers[Header].ToString();
        if (header.Length > 0)
        {
            return Matches(header, key);
        }

        if (AuthorizationKey(request.Headers.Authorization.ToString()) is { } authorization && Matches(authorization, key))
        {
            return true;
        }

        return request.Query.TryGetValue(QueryParameter, out var query) && query.Count == 1 && Matches(query[0]!, key);
    }

    /// <summary>The key of an <c>apikey &lt;key&gt;</c> value (scheme in any case), else null.</summary>
    public static string? AuthorizationKey(string authorization)
    {
        var parts = authorization.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 && parts[0].Equals(Scheme, StringComparison.OrdinalIgnoreCase) ? parts[1] : null;
    }

    public static bool Matches(string given, string key) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
