using Orleans.Concurrency;
using Switchboard.Conversations.Storage;

namespace Switchboard.Conversations;

[StatelessWorker]
public sealed class ConversationDirectoryGrain(ITrackerStore store) : Grain, IConversationDirectoryGrain
{
    public Task<ConversationPage> List(int offset, int limit) => store.List(offset, limit);
}
