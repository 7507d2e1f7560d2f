namespace Switchboard.Security;

/// <summary>
/// Who a Rasa API request is from. A matching auth token or an open API counts as admin; a JWT carries
/// <c>{"user":{"username","role"}}</c>.
/// </summary>
public sealed record RasaPrincipal(string? Username, string? Role)
{
    public static readonly RasaPrincipal Admin = new(null, RasaRoles.Admin);

    public bool IsAdmin => Role == RasaRoles.Admin;

    /// <summary>Rasa's scope rule: admins everywhere, users only on their own conversation.</summary>
    public bool MayAccess(string? conversationId) =>
        IsAdmin || (Role == RasaRoles.User && conversationId is not null && Username == conversationId);
}
