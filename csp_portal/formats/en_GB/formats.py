"""GOV.UK style dates for the en-GB locale ("21 June 2019"), which Django's own en_GB
formats would otherwise write as "21 Jun 2019"."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, g:ia"
SHORT_DATE_FORMAT = "j M Y"
