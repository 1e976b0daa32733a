using IntegrationServices.ServiceDefaults.Errors;
using IntegrationServices.ServiceDefaults.Storage;

namespace IntegrationServices.Measures.Application;

/// <summary>
/// Writes whose unique key (a code, a chosen id) was checked just before: under read committed (SQL
/// Server) a concurrent writer can still take the key between check and write. That is the caller's
/// ALREADY_EXISTS, not an INTERNAL unique-key violation. Around a create it wraps
/// RequestIds.CreateOnceAsync, which first answers a concurrent retry of the same request_id with the
/// winner's resource.
/// </summary>
internal static class UniqueKeys
{
    public static async Task<T> OrAlreadyExistsAsync<T>(this Database database, Func<Task<T>> write, Func<ServiceException> conflict)
    {
        try { return await write(); }
        catch (Exception e) when (database.Dialect.IsUniqueViolation(e)) { throw conflict(); }
    }
}
