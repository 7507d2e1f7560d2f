namespace Switchboard.Bot.Domain;

public sealed record ResponseButton(string Title, string Payload);
