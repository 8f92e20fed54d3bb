using System.Security.Cryptography;
using MarketDelivery.Contracts.Accounts;

namespace MarketDelivery.Grains.Accounts;

[GenerateSerializer, Alias("md.SigningKeyState")]
public sealed class SigningKeyState
{
    [Id(0)] public byte[]? Key { get; set; }
}

/// <summary>
/// The token signing key when configuration gives none: 64 random bytes made on first use and stored with the rest
/// of the data (the SQLite file or PostgreSQL), so a restart, or another server of the cluster, accepts the same tokens.
/// </summary>
public sealed class SigningKeyGrain(
    [PersistentState("signing-key", "accounts")] IPersistentState<SigningKeyState> state) : DurableGrain, ISigningKeyGrain
{
    public async Task<byte[]> GetKey()
    {
        if (state.State.Key is null)
        {
            state.State.Key = RandomNumberGenerator.GetBytes(64);
            await WriteAsync(state);
        }

        return state.State.Key;
    }
}
