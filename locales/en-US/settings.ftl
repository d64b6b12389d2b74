# The caregiver's settings area: profiles, sign-in details, checks.
# One sentence per field problem (warmline_backends::profile::FieldErrorCode).

field-error-required = This must be filled in.
field-error-too-long = This is too long.
field-error-not-a-url = This is not a web address. It should look like wss://support.example.com/warmline.
field-error-wrong-scheme = This kind of address does not work here. Check how it starts (for example wss:// or https://).
field-error-insecure = This address is not encrypted and is not on this computer. Use one that starts with wss:// or https://.
field-error-invalid = This is not in the right form.
field-error-not-absolute = Give the file's full location, starting from the drive (for example C:\Certificates\company.pem or /etc/ssl/company.pem). Choosing the file with the button does this for you.
field-error-file-missing = There is no file at this location. Check the name, or choose the file again.
field-error-not-a-certificate = This file is not a certificate Warmline can read. Ask the company for its certificate as a PEM file (it starts with "-----BEGIN CERTIFICATE-----").
field-error-out-of-range = This number is outside what is allowed here.
field-error-duplicate = Another entry already uses this. Choose a different one.
field-error-not-found = This does not exist (any more). Choose one from the list.
field-error-unsupported = Warmline does not offer this. Choose one from the list.
