namespace Switchboard.Security;

public static class RasaRoles
{
    public const string Admin = "admin";
    public const string User = "user";
}
