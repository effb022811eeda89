/** One field of a connector's credential form, in the Hub's own shape (STACKONE.md §3). */
export interface ConnectorField {
  key: string;
  label: string;
  type: 'text' | 'password' | 'number' | 'select' | 'text_area';
  required: boolean;
  /** Omitted means secret, as in StackOne. */
  secret?: boolean;
  readOnly?: boolean;
  placeholder?: string;
  description?: string;
  tooltip?: string;
  options?: { label: string; value: string }[];
  /** A default value; with `display: false` the field is hidden but still submitted. */
  value?: string;
  display?: boolean;
  validation?: { type: 'html-pattern'; pattern: string; error?: string };
}

export interface ConnectorNotice {
  key: string;
  type: 'info' | 'warning';
  /** Markdown. */
  description: string;
}

export interface Connector {
  provider: string;
  name: string;
  category: 'hris' | 'ats' | 'crm' | 'lms' | 'documents' | 'ticketing';
  integrationId: string;
  /** `oauth2` with the authorization-code grant opens the provider's consent popup. */
  authType: 'custom' | 'oauth2';
  grantType?: 'authorization_code' | 'client_credentials';
  /** Which of the two config shapes the Hub accepts this connector is served in. */
  configShape: 'config_fields' | 'authentication';
  fields: ConnectorField[];
  notices: ConnectorNotice[];
  /** The unified models the account can use (GET /accounts/{id}/meta). */
  models: string[];
  /** How the simulated provider judges credentials: null if accepted, else its error text. */
  checkCredentials(credentials: Record<string, string>): string | null;
  logoColour: string;
}

export const usesOAuthPopup = (c: Connector): boolean =>
  c.authType === 'oauth2' && (c.grantType === undefined || c.grantType === 'authorization_code');

export const authenticationConfigKey = (c: Connector): string =>
  usesOAuthPopup(c) ? 'oauth2' : c.authType === 'oauth2' ? 'oauth2_client_credentials' : 'api_key';

const secretField = (key: string, label: string, description: string): ConnectorField => ({
  key,
  label,
  type: 'password',
  required: true,
  description,
});

const textField = (
  key: string,
  label: string,
  extra: Partial<ConnectorField> = {},
): ConnectorField => ({
  key,
  label,
  type: 'text',
  required: true,
  secret: false,
  ...extra,
});

const minLength = (value: string | undefined, length: number) => (value ?? '').length >= length;
const oauthConnector = (
  provider: string,
  name: string,
  category: Connector['category'],
  logoColour: string,
  models: string[],
): Connector => ({
  provider,
  name,
  category,
  integrationId: `int_${provider}_oauth2`,
  authType: 'oauth2',
  configShape: 'config_fields',
  fields: [],
  notices: [],
  models,
  checkCredentials: () => null,
  logoColour,
});

export const catalogue: readonly Connector[] = [
  {
    provider: 'bamboohr',
    name: 'BambooHR',
    category: 'hris',
    integrationId: 'int_bamboohr_api_key',
    authType: 'custom',
    configShape: 'config_fields',
    logoColour: '#73c41d',
    models: ['employees', 'time_off', 'locations'],
    notices: [],
    fields: [
      textField('subdomain', 'Subdomain', {
        placeholder: 'acme',
        description: 'The part before .bamboohr.com in your BambooHR address.',
        validation: {
          type: 'html-pattern',
          pattern: '^[a-z0-9-]+$',
          error: 'Use lower-case letters, digits and dashes only.',
        },
      }),
      secretField('api_key', 'API key', 'Simulator: any key of 20 or more characters is accepted.'),
    ],
    checkCredentials: (c) =>
      minLength(c.api_key, 20)
        ? null
        : 'BambooHR rejected the API key: 401 Unauthorized (invalid API key).',
  },
  {
    provider: 'hibob',
    name: 'HiBob',
    category: 'hris',
    integrationId: 'int_hibob_service_user',
    authType: 'custom',
    configShape: 'config_fields',
    logoColour: '#e8336d',
    models: ['employees', 'time_off'],
    notices: [
      {
        key: 'service-user',
        type: 'info',
        description:
          'Create a **service user** in Bob under *Settings → Integrations → Service users*, then paste its id and token.',
      },
    ],
    fields: [
      textField('service_user_id', 'Service user id', { placeholder: 'SERVICE-12345' }),
      secretField('token', 'Token', 'Simulator: 24 or more characters.'),
    ],
    checkCredentials: (c) =>
      /^SERVICE-\d+$/.test(c.service_user_id ?? '') && minLength(c.token, 24)
        ? null
        : 'HiBob: {"error":"Unauthorized","message":"Invalid service user credentials"}',
  },
  {
    provider: 'personio',
    name: 'Personio',
    category: 'hris',
    integrationId: 'int_personio_api',
    authType: 'custom',
    configShape: 'config_fields',
    logoColour: '#1b2530',
    models: ['employees', 'time_off', 'documents'],
    notices: [],
    fields: [
      textField('client_id', 'Client id', {
        placeholder: 'papi-…',
        description: 'Starts with papi-.',
      }),
      secretField('client_secret', 'Client secret', 'Simulator: 16 or more characters.'),
      {
        key: 'api_version',
        label: 'API version',
        type: 'select',
        required: true,
        secret: false,
        options: [
          { label: 'v1 (current)', value: 'v1' },
          { label: 'v2 (beta)', value: 'v2' },
        ],
        value: 'v1',
      },
    ],
    checkCredentials: (c) =>
      (c.client_id ?? '').startsWith('papi-') && minLength(c.client_secret, 16)
        ? null
        : 'Personio: 401 {"success":false,"error":{"code":401,"message":"Client credentials are invalid"}}',
  },
  {
    provider: 'workday',
    name: 'Workday',
    category: 'hris',
    integrationId: 'int_workday_isu',
    authType: 'custom',
    configShape: 'authentication',
    logoColour: '#f5a623',
    models: ['employees', 'jobs', 'locations'],
    notices: [],
    fields: [
      textField('tenant', 'Tenant', {
        placeholder: 'acme_corp',
        validation: {
          type: 'html-pattern',
          pattern: '^[a-z0-9_]+$',
          error: 'Lower-case letters, digits and _.',
        },
      }),
      textField('username', 'Integration system user'),
      secretField('password', 'Password', 'The ISU password (8 or more characters).'),
      {
        key: 'environment',
        label: 'Environment',
        type: 'select',
        required: true,
        secret: false,
        options: [
          { label: 'Production', value: 'production' },
          { label: 'Sandbox', value: 'sandbox' },
        ],
      },
      {
        key: 'api_version',
        label: 'API version',
        type: 'number',
        required: true,
        secret: false,
        value: '41',
      },
      {
        key: 'report_urls',
        label: 'Custom report URLs',
        type: 'text_area',
        required: false,
        secret: false,
        description: 'One per line (optional).',
      },
    ],
    checkCredentials: (c) =>
      minLength(c.password, 8) && Number(c.api_version) >= 30
        ? null
        : 'Workday SOAP fault: wd:Validation_Fault Invalid username or password',
  },
  {
    provider: 'greenhouse',
    name: 'Greenhouse',
    category: 'ats',
    integrationId: 'int_greenhouse_harvest',
    authType: 'custom',
    configShape: 'authentication',
    logoColour: '#23a47f',
    models: ['candidates', 'jobs', 'applications'],
    notices: [],
    fields: [secretField('api_key', 'Harvest API key', '32 hexadecimal characters.')],
    checkCredentials: (c) =>
      /^[a-f0-9]{32}$/.test(c.api_key ?? '')
        ? null
        : 'Greenhouse: 401 {"message":"Invalid Basic Auth credentials"}',
  },
  oauthConnector('lever', 'Lever', 'ats', '#2f3a4a', ['candidates', 'jobs', 'applications']),
  {
    provider: 'workable',
    name: 'Workable',
    category: 'ats',
    integrationId: 'int_workable_token',
    authType: 'custom',
    configShape: 'config_fields',
    logoColour: '#00bfa5',
    models: ['candidates', 'jobs'],
    notices: [],
    fields: [
      textField('subdomain', 'Account subdomain', { placeholder: 'acme' }),
      secretField('access_token', 'Access token', 'Simulator: 20 or more characters.'),
      {
        key: 'api_version',
        label: 'API version',
        type: 'text',
        required: true,
        secret: false,
        value: 'v3',
        display: false,
      },
    ],
    checkCredentials: (c) =>
      c.api_version !== 'v3'
        ? 'Workable: 400 unsupported API version'
        : minLength(c.access_token, 20)
          ? null
          : 'Workable: 401 {"error":"Not authorized"}',
  },
  {
    provider: 'ashby',
    name: 'Ashby',
    category: 'ats',
    integrationId: 'int_ashby_api_key',
    authType: 'custom',
    configShape: 'config_fields',
    logoColour: '#5b4cdb',
    models: ['candidates', 'jobs', 'interviews'],
    notices: [
      {
        key: 'permissions',
        type: 'warning',
        description:
          'The key needs **Candidates: read** and **Jobs: read** permissions, or syncing will fail.',
      },
    ],
    fields: [secretField('api_key', 'API key', 'Simulator: 20 or more characters.')],
    checkCredentials: (c) =>
      minLength(c.api_key, 20) ? null : 'Ashby: 401 {"success":false,"errors":["invalid api key"]}',
  },
  oauthConnector('hubspot', 'HubSpot', 'crm', '#ff7a59', ['contacts', 'companies', 'deals']),
  oauthConnector('salesforce', 'Salesforce', 'crm', '#00a1e0', [
    'contacts',
    'accounts',
    'opportunities',
  ]),
  {
    provider: 'pipedrive',
    name: 'Pipedrive',
    category: 'crm',
    integrationId: 'int_pipedrive_token',
    authType: 'custom',
    configShape: 'authentication',
    logoColour: '#26292c',
    models: ['contacts', 'deals'],
    notices: [],
    fields: [
      textField('company_domain', 'Company domain', { placeholder: 'acme' }),
      secretField('api_token', 'API token', '40 hexadecimal characters.'),
    ],
    checkCredentials: (c) =>
      /^[a-f0-9]{40}$/.test(c.api_token ?? '')
        ? null
        : 'Pipedrive: 401 {"success":false,"error":"unauthorized access"}',
  },
  {
    provider: 'docebo',
    name: 'Docebo',
    category: 'lms',
    integrationId: 'int_docebo_client_credentials',
    authType: 'oauth2',
    grantType: 'client_credentials',
    configShape: 'config_fields',
    logoColour: '#5fa8d3',
    models: ['courses', 'users', 'completions'],
    notices: [],
    fields: [
      textField('domain', 'Docebo domain', { placeholder: 'acme.docebosaas.com' }),
      textField('client_id', 'Client id'),
      secretField('client_secret', 'Client secret', 'Simulator: 16 or more characters.'),
    ],
    checkCredentials: (c) =>
      (c.domain ?? '').endsWith('.docebosaas.com') && minLength(c.client_secret, 16)
        ? null
        : 'Docebo: 400 {"error":"invalid_client","error_description":"The client credentials are invalid"}',
  },
  oauthConnector('google_drive', 'Google Drive', 'documents', '#1fa463', ['files', 'folders']),
  {
    provider: 'jira',
    name: 'Jira',
    category: 'ticketing',
    integrationId: 'int_jira_api_token',
    authType: 'custom',
    configShape: 'config_fields',
    logoColour: '#2684ff',
    models: ['tickets', 'projects', 'users'],
    notices: [
      {
        key: 'token',
        type: 'info',
        description:
          'Create an API token at [id.atlassian.com](https://id.atlassian.com/manage-profile/security/api-tokens).',
      },
    ],
    fields: [
      textField('site_url', 'Site URL', {
        placeholder: 'https://acme.atlassian.net',
        validation: {
          type: 'html-pattern',
          pattern: '^https://[a-z0-9-]+\\.atlassian\\.net/?$',
          error: 'Use your https://<site>.atlassian.net address.',
        },
      }),
      textField('email', 'Email'),
      secretField('api_token', 'API token', 'Simulator: 20 or more characters.'),
    ],
    checkCredentials: (c) =>
      minLength(c.api_token, 20) && (c.email ?? '').includes('@')
        ? null
        : 'Jira: 401 Client must be authenticated to access this resource.',
  },
];

export function findConnector(integrationId: string): Connector | undefined {
  return catalogue.find((c) => c.integrationId === integrationId);
}

export function findConnectorByProvider(provider: string): Connector | undefined {
  return catalogue.find((c) => c.provider === provider);
}

/** The field keys whose values StackOne treats as secrets (redacted when read back). */
export function isSecretField(connector: Connector, key: string): boolean {
  const field = connector.fields.find((f) => f.key === key);
  return field === undefined ? true : field.secret !== false || field.type === 'password';
}
