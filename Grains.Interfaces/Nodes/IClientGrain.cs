namespace Switchboard.Nodes;

/// <summary>One live connection (key: client id): its user, info, node and channels.</summary>
public interface IClientGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers the connection and indexes it under its user (<see cref="IUserGrain"/>). Idempotent, so a gateway
    /// may re-send it to rebuild the index after a silo crash.
    /// </summary>
    Task Connect(ClientRegistration registration);

    Task AddChannel(string channel);

    Task RemoveChannel(string channel);

    /// <summary>Removes the connection from the user index and unsubscribes it from the channels it was added to.</summary>
    Task Disconnect();

    Task<ClientRegistration?> GetRegistration();

    Task<IReadOnlyList<string>> GetChannels();
}
