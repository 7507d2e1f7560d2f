namespace Switchboard.Security;

/// <summary>The outcome of <see cref="RasaAuth.Authenticate"/>: a principal, or no valid credentials (401).</summary>
public readonly record struct RasaAuthResult(RasaPrincipal? Principal)
{
    public bool IsAuthenticated => Principal is not null;

    public bool IsAdmin => Principal?.IsAdmin == true;
}
