namespace Switchboard.Nodes;

/// <summary>One live connection (key: client id): its user, info, node and channels.</summary>
public interface IClientGrain : IGrainWithStringKey
{
    Task Connect(ClientRegistration registration);

    Task AddChannel(string channel);

    Task RemoveChannel(string channel);

    Task Disconnect();

    Task<ClientRegistration?> GetRegistration();

    Task<IReadOnlyList<string>> GetChannels();
}
