namespace Switchboard.Conversations;

/// <summary>Reads the conversation index for <c>GET /conversations</c> (stateless; any silo answers).</summary>
public interface IConversationDirectoryGrain : IGrainWithIntegerKey
{
    Task<ConversationPage> List(int offset, int limit);
}
