namespace MarketDelivery.Contracts.Accounts;

/// <summary>
/// A merchant, courier, market staff or admin account, keyed by its sign-in id. Holds a hashed password or PIN,
/// the roles, the failure count and lock, and a bounded set of refresh-token sessions.
/// </summary>
[Alias("md.IStaffAccountGrain")]
public interface IStaffAccountGrain : IGrainWithStringKey
{
    /// <summary>Checks the secret; null for a wrong secret, an unknown id or a locked account alike.</summary>
    [Alias("SignIn")]
    Task<SessionIssued?> SignIn(string secret);

    /// <summary>Rotates a refresh token: the old one stops working. Null when unknown, expired or revoked.</summary>
    [Alias("Refresh")]
    Task<SessionIssued?> Refresh(string sessionId, string secret);

    /// <summary>Revokes one session (sign-out); true when it existed.</summary>
    [Alias("SignOut")]
    Task<bool> SignOut(string sessionId, string secret);

    /// <summary>Revokes every session of the account (a lost tablet).</summary>
    [Alias("RevokeAll")]
    Task RevokeAll();

    /// <summary>The account's identity, or null when there is no such account.</summary>
    [Alias("GetIdentity")]
    Task<AccountIdentity?> GetIdentity();
}

/// <summary>A customer, keyed by normalised phone number: the pending one-time code and refresh-token sessions.</summary>
[Alias("md.ICustomerAccountGrain")]
public interface ICustomerAccountGrain : IGrainWithStringKey
{
    /// <summary>Makes a new code (replacing any pending one), or says how long to wait before asking again.</summary>
    [Alias("RequestCode")]
    Task<CodeIssued> RequestCode();

    /// <summary>Checks a code; a wrong code uses up an attempt. Null when wrong, expired, used or out of attempts.</summary>
    [Alias("VerifyCode")]
    Task<SessionIssued?> VerifyCode(string code);

    [Alias("Refresh")]
    Task<SessionIssued?> Refresh(string sessionId, string secret);

    [Alias("SignOut")]
    Task<bool> SignOut(string sessionId, string secret);
}

/// <summary>The key that signs access tokens when configuration gives none; one per service, kept in storage.</summary>
[Alias("md.ISigningKeyGrain")]
public interface ISigningKeyGrain : IGrainWithStringKey
{
    /// <summary>The key bytes, generated and stored on first use.</summary>
    [Alias("GetKey")]
    Task<byte[]> GetKey();
}
