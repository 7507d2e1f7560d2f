namespace Switchboard.Nodes;

/// <summary>One live connection (key: client id): its user, info, node and channels.</summary>
public interface IClientGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers the connection and indexes it under its user (<see cref="IUserGrain"/>). Idempotent, so a gateway
    /// may re-send it to rebuild the index after a silo crash.
    /// </summary>
    Task Connect(ClientRegistration registration);

    /// <summary>
    /// <see cref="Connect"/> and the connection's current channels in one call: the gateway's periodic re-assertion,
    /// which rebuilds the grain and the user index after the silo holding them died.
    /// </summary>
    Task Refresh(ClientRegistration registration, IReadOnlyList<string> channels);

    Task AddChannel(string channel);

    Task RemoveChannel(string channel);

    /// <summary>Removes the connection from the user index and unsubscribes it from the channels it was added to.</summary>
    Task Disconnect();

    Task<ClientRegistration?> GetRegistration();

    Task<IReadOnlyList<string>> GetChannels();
}
