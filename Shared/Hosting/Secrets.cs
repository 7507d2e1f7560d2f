using System.Security.Cryptography;

namespace Switchboard.Hosting;

public static class Secrets
{
    /// <summary>A random secret for what the operator left unset (secure by default; printed at start-up).</summary>
    public static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
