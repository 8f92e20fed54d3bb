using System.Globalization;
using System.Security.Claims;
using MarketDelivery.Contracts.Accounts;
using MarketDelivery.Server.Auth;
using MarketDelivery.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MarketDelivery.Server.Api;

public sealed record SignInRequest(string? Id, string? Password);

public sealed record CodeRequest(string? Phone);

public sealed record CodeVerifyRequest(string? Phone, string? Code);

public sealed record RefreshRequest(string? RefreshToken);

public sealed record DevTokenRequest(string? Role, string? Id);

public sealed record RoleDto(string Role, string? ScopeId);

public sealed record AccountDto(string Subject, string Name, IReadOnlyList<RoleDto> Roles);

public sealed record TokensDto(
    string AccessToken, DateTimeOffset AccessTokenExpires, string RefreshToken, DateTimeOffset RefreshTokenExpires, AccountDto Account)
{
    public string TokenType => "Bearer";
}

/// <summary>Where a code went; <see cref="DevCode"/> is the code itself, only in Development, so a demo works offline.</summary>
public sealed record CodeSentDto(DateTimeOffset ExpiresAt, string? DevCode);

public sealed record DevTokenDto(string AccessToken);

/// <summary>
/// Sign-in for staff-type accounts (id + password or PIN) and customers (phone + one-time code), refresh-token
/// rotation and sign-out, and who the caller is. Not mapped when an external issuer signs tokens.
/// </summary>
public static class AuthApi
{
    public const int MaxSecretLength = 200;

    private const string SignInFailed = "The id or the password is wrong, or the account is locked for a while after repeated failures.";

    public static void MapAuthApi(this IEndpointRouteBuilder app, IHostEnvironment environment)
    {
        var settings = app.ServiceProvider.GetRequiredService<AuthSettings>();
        var auth = app.MapGroup("/api/auth").WithTags("Sign-in");

        auth.MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(ToDto(user)))
            .Rule(AuthPolicies.SignedIn)
            .WithSummary("Who the access token belongs to: subject, name, roles with their scope ids.");

        if (settings.UsesExternalIssuer)
        {
            return;
        }

        auth.MapPost("/sign-in", async Task<Results<Ok<TokensDto>, ProblemHttpResult>> (SignInRequest? body, IGrainFactory grains, TokenIssuer tokens) =>
            {
                if (InputRules.Check().Present("body", body).Problem is { } missing)
                {
                    return missing;
                }

                if ((InputRules.Check().Id("id", body!.Id).Problem ?? SecretProblem("password", body.Password)) is { } bad)
                {
                    return bad;
                }

                var session = await grains.GetGrain<IStaffAccountGrain>(body.Id!).SignIn(body.Password!);
                return session is null ? Unauthorized(SignInFailed) : TypedResults.Ok(ToDto(session, tokens));
            })
            .Public(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized)
            .Limited(Authentication.SignInLimit)
            .WithSummary("Merchants, couriers, market staff and admins: id and password or PIN → access and refresh tokens.");

        auth.MapPost("/code", async Task<Results<Accepted<CodeSentDto>, ProblemHttpResult>> (
                CodeRequest? body, HttpContext http, IGrainFactory grains, IOneTimeCodeSender sender, CancellationToken aborted) =>
            {
                if (PhoneProblem(body?.Phone, out var phone) is { } bad)
                {
                    return bad;
                }

                var issued = await grains.GetGrain<ICustomerAccountGrain>(phone).RequestCode();
                if (issued.Code is null)
                {
                    var seconds = Math.Max(1, (int)Math.Ceiling(issued.RetryAfter!.Value.TotalSeconds));
                    http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                    return TypedResults.Problem($"A code was sent moments ago; ask again in {seconds} s.",
                        statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.");
                }

                await sender.SendAsync(phone, issued.Code, issued.ExpiresAt, aborted);
                var dev = environment.IsDevelopment() ? issued.Code : null;
                return TypedResults.Accepted((string?)null, new CodeSentDto(issued.ExpiresAt, dev));
            })
            .Public(StatusCodes.Status400BadRequest)
            .Limited(Authentication.CodeLimit)
            .WithSummary("Customers: sends a one-time sign-in code to the phone (in Development the answer also carries it).");

        auth.MapPost("/code/verify", async Task<Results<Ok<TokensDto>, ProblemHttpResult>> (CodeVerifyRequest? body, IGrainFactory grains, TokenIssuer tokens) =>
            {
                if (PhoneProblem(body?.Phone, out var phone) is { } bad)
                {
                    return bad;
                }

                if (body!.Code is not { Length: 6 } code || !code.All(char.IsAsciiDigit))
                {
                    return Problems.Invalid("code", "The code is the six digits that were sent.");
                }

                var session = await grains.GetGrain<ICustomerAccountGrain>(phone).VerifyCode(code);
                return session is null
                    ? Unauthorized("The code is wrong, expired or already used; ask for a new one.")
                    : TypedResults.Ok(ToDto(session, tokens));
            })
            .Public(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized)
            .Limited(Authentication.VerifyLimit)
            .WithSummary("Customers: phone and one-time code → access and refresh tokens.");

        auth.MapPost("/refresh", async Task<Results<Ok<TokensDto>, ProblemHttpResult>> (RefreshRequest? body, IGrainFactory grains, TokenIssuer tokens) =>
            {
                if (RefreshProblem(body) is { } bad)
                {
                    return bad;
                }

                if (!RefreshTokens.TryParse(body!.RefreshToken, out var kind, out var key, out var sessionId, out var secret) || InputRules.IdProblem(key) is not null)
                {
                    return Unauthorized("The refresh token is not valid.");
                }

                var session = kind == RefreshTokens.StaffKind
                    ? await grains.GetGrain<IStaffAccountGrain>(key).Refresh(sessionId, secret)
                    : await grains.GetGrain<ICustomerAccountGrain>(key).Refresh(sessionId, secret);
                return session is null
                    ? Unauthorized("The refresh token is expired, revoked or already used; sign in again.")
                    : TypedResults.Ok(ToDto(session, tokens));
            })
            .Public(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized)
            .Limited(Authentication.VerifyLimit)
            .WithSummary("A refresh token → new access and refresh tokens; the one sent stops working (rotation).");

        auth.MapPost("/sign-out", async Task<Results<NoContent, ProblemHttpResult>> (RefreshRequest? body, IGrainFactory grains) =>
            {
                if (RefreshProblem(body) is { } bad)
                {
                    return bad;
                }

                if (RefreshTokens.TryParse(body!.RefreshToken, out var kind, out var key, out var sessionId, out var secret) && InputRules.IdProblem(key) is null)
                {
                    _ = kind == RefreshTokens.StaffKind
                        ? await grains.GetGrain<IStaffAccountGrain>(key).SignOut(sessionId, secret)
                        : await grains.GetGrain<ICustomerAccountGrain>(key).SignOut(sessionId, secret);
                }

                return TypedResults.NoContent();
            })
            .Public(StatusCodes.Status400BadRequest)
            .WithSummary("Revokes the refresh token (its access token lapses within minutes). Always 204.");

        auth.MapPost("/accounts/{accountId}/revoke", async Task<Results<NoContent, ProblemHttpResult>> (string accountId, IGrainFactory grains) =>
            {
                if (InputRules.Check().Id("accountId", accountId).Problem is { } bad)
                {
                    return bad;
                }

                var account = grains.GetGrain<IStaffAccountGrain>(accountId);
                if (await account.GetIdentity() is null)
                {
                    return Problems.NotFound($"There is no account '{accountId}'.");
                }

                await account.RevokeAll();
                return TypedResults.NoContent();
            })
            .Rule(AuthPolicies.Admin, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("Admin: revokes every refresh token of a staff-type account (a lost tablet); its access tokens lapse within minutes.");

        if (environment.IsDevelopment())
        {
            app.MapPost("/api/dev/tokens", Results<Ok<DevTokenDto>, ProblemHttpResult> (DevTokenRequest? body, TokenIssuer tokens) =>
                {
                    var check = InputRules.Check().Present("body", body);
                    if (body is not null)
                    {
                        check.Id("id", body.Id);
                    }

                    if (check.Problem is { } bad)
                    {
                        return bad;
                    }

                    if (!TryParseRole(body!.Role, out var role))
                    {
                        return Problems.Invalid("role", "The role is one of customer, merchant, courier, staff, admin.");
                    }

                    var grant = new RoleGrant(role, role == AccountRole.Admin ? null : body!.Id);
                    var (token, _) = tokens.Issue(new AccountIdentity(body!.Id!, $"dev {AuthClaims.RoleName(role)} {body.Id}", [grant]));
                    return TypedResults.Ok(new DevTokenDto(token));
                })
                .WithTags("Development")
                .Public(StatusCodes.Status400BadRequest)
                .WithSummary("Development only: an access token for a role and id (customer, stall, courier or market id), for tests, demos and load tools.");
        }
    }

    /// <summary>Normalises a phone number: separators (space, hyphen, dot, parentheses) dropped; an optional + and 8 to 15 digits.</summary>
    public static string? NormalisePhone(string? value)
    {
        if (value is null || value.Length > 40)
        {
            return null;
        }

        var kept = new string([.. value.Where(c => c is not (' ' or '-' or '.' or '(' or ')'))]);
        var digits = kept.StartsWith('+') ? kept[1..] : kept;
        return digits.Length is >= 8 and <= 15 && digits.All(char.IsAsciiDigit) ? kept : null;
    }

    private static ProblemHttpResult? PhoneProblem(string? value, out string phone)
    {
        phone = NormalisePhone(value) ?? "";
        return phone.Length > 0 ? null : Problems.Invalid("phone", "A phone number is 8 to 15 digits, optionally with a leading + and separators.");
    }

    private static ProblemHttpResult? RefreshProblem(RefreshRequest? body) =>
        InputRules.Check().Present("body", body).Problem ?? SecretProblem("refreshToken", body!.RefreshToken);

    /// <summary>A password, PIN or token: required free text of at most <see cref="MaxSecretLength"/> characters.</summary>
    private static ProblemHttpResult? SecretProblem(string field, string? value) =>
        InputRules.Check().Text(field, value, required: true).Problem
        ?? (value!.Length > MaxSecretLength ? Problems.Invalid(field, $"At most {MaxSecretLength} characters.") : null);

    private static bool TryParseRole(string? text, out AccountRole role)
    {
        role = default;
        return text is not null && text.All(char.IsAsciiLetter) && Enum.TryParse(text, ignoreCase: true, out role) && Enum.IsDefined(role);
    }

    private static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in.");

    private static TokensDto ToDto(SessionIssued session, TokenIssuer tokens)
    {
        var (access, expires) = tokens.Issue(session.Identity);
        return new TokensDto(access, expires, session.RefreshToken, session.RefreshExpires, ToDto(session.Identity));
    }

    private static AccountDto ToDto(AccountIdentity identity) =>
        new(identity.Subject, identity.Name, [.. identity.Roles.Select(r => new RoleDto(AuthClaims.RoleName(r.Role), r.ScopeId))]);

    private static AccountDto ToDto(ClaimsPrincipal user) =>
        new(user.FindFirstValue(AuthClaims.Subject) ?? "", user.FindFirstValue(AuthClaims.Name) ?? "",
            [.. AuthClaims.Roles(user).Select(r => new RoleDto(AuthClaims.RoleName(r.Role), r.ScopeId))]);
}
