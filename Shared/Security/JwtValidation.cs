using System.Text.Json;

namespace Switchboard.Security;

public enum JwtStatus
{
    Invalid,
    Expired,
    Valid,
}

/// <summary>The outcome of <see cref="Hs256Jwt.Validate"/>; <see cref="Claims"/> is set unless the token is invalid.</summary>
public readonly record struct JwtValidation(JwtStatus Status, JsonElement Claims)
{
    public static readonly JwtValidation Invalid = new(JwtStatus.Invalid, default);

    public bool IsValid => Status == JwtStatus.Valid;
}
