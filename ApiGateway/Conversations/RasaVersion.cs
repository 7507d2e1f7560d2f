namespace Switchboard.ApiGateway.Conversations;

/// <summary>The Rasa release whose HTTP API the gateway speaks (the spec in ../shared/specs is 3.6.13).</summary>
public static class RasaVersion
{
    public const string Version = "3.6.13";
    public const string MinimumCompatibleVersion = "3.5.0";
    public const string SecurityHelp = "https://rasa.com/docs/rasa/user-guide/configuring-http-api/#security-considerations";
    public const string ModelHelp = "https://rasa.com/docs/rasa/user-guide/configuring-http-api/#model-endpoints";
}
