using System.Text;

namespace Switchboard.Conversations;

/// <summary>
/// The real-time channel a conversation's bot messages are published to: <c>rasa#&lt;id&gt;</c>, a Centrifugo
/// user-limited channel that only the user whose id is the conversation id may subscribe to. Characters with a
/// meaning in channel names (<c>% # , :</c>) and control characters are percent-encoded (UTF-8), so
/// <c>a#b,c</c> becomes <c>rasa#a%23b%2Cc</c>; ids without them appear unchanged.
/// </summary>
public static class ConversationChannel
{
    public const string Prefix = "rasa#";

    public static string For(string conversationId) => Prefix + Escape(conversationId);

    public static string Escape(string id)
    {
        if (!id.Any(NeedsEscape))
        {
            return id;
        }

        var sb = new StringBuilder(id.Length + 8);
        foreach (var rune in id.EnumerateRunes())
        {
            if (rune.IsAscii && NeedsEscape((char)rune.Value))
            {
                sb.Append('%').Append(((byte)rune.Value).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(rune.ToString());
            }
        }

        return sb.ToString();
    }

    public static string Unescape(string escaped) => Uri.UnescapeDataString(escaped);

    /// <summary>
    /// The one user who may subscribe to <paramref name="channel"/> when it is a conversation channel (its id may
    /// itself hold ',' or '#', escaped), else null.
    /// </summary>
    public static string? UserOf(string channel) =>
        channel.StartsWith(Prefix, StringComparison.Ordinal) ? Unescape(channel[Prefix.Length..]) : null;

    private static bool NeedsEscape(char c) => c is '%' or '#' or ',' or ':' || char.IsControl(c);
}
