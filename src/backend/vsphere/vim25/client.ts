/**
 * The vim25 SOAP client: method calls with arguments in WSDL order, responses decoded through the type
 * map, faults mapped to typed errors, and the session: Login sets the `vmware_soap_session` cookie,
 * which is sent back verbatim; a NotAuthenticated fault (session expired or terminated) triggers one
 * re-login with the stored credentials and one repeat of the call, which the server had refused.
 */
import { InvalidArgumentError, SystemError } from '../../../sim/errors.js';
import { decodeElement, type VimValue } from './decode.js';
import { buildEnvelope, ManagedObjectReference, type SoapArgument } from './encode.js';
import { VimNotAuthenticatedError } from './errors.js';
import { faultToError, isSoapFault, parseSoapFault } from './faults.js';
import { expectObject, type ServiceContent, type UserSession } from './model.js';
import { VIM_SCHEMA } from './schema.js';
import { SoapTransport, type HttpReply, type TransportOptions } from './transport.js';
import { childNamed, parseXml, SOAP_ENVELOPE_NS, type XmlElement } from './xml.js';

/** Where and how to connect. */
export interface VimClientOptions extends TransportOptions {
  /** The SDK URL, e.g. `https://vc.example.com/sdk`; `user:pass@` in it supplies the credentials. */
  readonly url: string | URL;
  /** Overrides the user name in the URL. */
  readonly userName?: string;
  /** Overrides the password in the URL. */
  readonly password?: string;
  /** API version sent in SOAPAction; default: the server's about.apiVersion. */
  readonly apiVersion?: string;
  readonly userAgent?: string;
}

/** Per-call options. */
export interface InvokeOptions {
  /** Declared type of `returnval` (default anyType: the xsi:type or generic decoding). */
  readonly returns?: string;
  /** The method returns an array: every `returnval` element is decoded. */
  readonly returnsArray?: boolean;
  /** Overrides the built-in idempotency table for retries. */
  readonly idempotent?: boolean;
  readonly timeoutMs?: number;
}

/** Methods that are safe to repeat when a network failure leaves their effect unknown. */
const IDEMPOTENT_METHODS = new Set([
  'RetrieveServiceContent', 'RetrieveProperties', 'RetrievePropertiesEx', 'ContinueRetrievePropertiesEx',
  'WaitForUpdatesEx', 'Login', 'Logout', 'SessionIsActive', 'CurrentTime',
]);

const SESSION_COOKIE = 'vmware_soap_session';
const SERVICE_INSTANCE = new ManagedObjectReference('ServiceInstance', 'ServiceInstance');

/** A connection to one vCenter (or vcsim). Concurrent calls are allowed and share the session. */
export class VimClient {
  private readonly transport: SoapTransport;
  private readonly userName: string;
  private readonly password: string;
  private cookie: string | undefined;

  /** The `vmware_soap_session` cookie of the current session (for /folder transfers on the same session). */
  get sessionCookie(): string | undefined {
    return this.cookie;
  }
  private content: ServiceContent | undefined;
  private sessionGeneration = 0;
  private relogin: Promise<void> | undefined;

  /** Precondition: see SoapTransport (https, or http to loopback). Does no I/O; use connect(). */
  constructor(private readonly options: VimClientOptions) {
    const url = new URL(options.url);
    this.userName = options.userName ?? decodeURIComponent(url.username);
    this.password = options.password ?? decodeURIComponent(url.password);
    url.username = '';
    url.password = '';
    this.transport = new SoapTransport(url, options);
  }

  /** Creates a client, reads the service content and logs in when credentials were given. */
  static async connect(options: VimClientOptions): Promise<VimClient> {
    const client = new VimClient(options);
    await client.retrieveServiceContent();
    if (client.userName !== '') await client.login();
    return client;
  }

  /** The SDK URL without credentials. */
  get url(): URL {
    return this.transport.url;
  }

  /** The service content. Precondition: retrieveServiceContent() (or connect()) has completed. */
  get serviceContent(): ServiceContent {
    if (this.content === undefined) throw new SystemError('call retrieveServiceContent() first');
    return this.content;
  }

  /** Reads and caches the ServiceInstance's content (root folder, property collector, managers, about). */
  async retrieveServiceContent(): Promise<ServiceContent> {
    const value = await this.invoke('RetrieveServiceContent', SERVICE_INSTANCE, [], { returns: 'ServiceContent' });
    this.content = expectObject<ServiceContent>(value, 'ServiceContent');
    return this.content;
  }

  /**
   * Logs in with the given or stored credentials and keeps the session cookie. Any previous cookie is
   * dropped first (vCenter refuses Login inside a live session). Throws VimLoginError when refused.
   */
  async login(userName = this.userName, password = this.password): Promise<UserSession> {
    if (userName === '') throw new InvalidArgumentError('userName', 'a user name is needed to log in');
    this.cookie = undefined;
    const args: SoapArgument[] = [['userName', userName], ['password', password]];
    const value = await this.invoke('Login', this.serviceContent.sessionManager, args, { returns: 'UserSession' });
    this.sessionGeneration++;
    return expectObject<UserSession>(value, 'UserSession');
  }

  /** Ends the session (best effort on the server) and forgets the cookie. */
  async logout(): Promise<void> {
    if (this.cookie === undefined) return;
    try {
      await this.invoke('Logout', this.serviceContent.sessionManager, []);
    } finally {
      this.cookie = undefined;
    }
  }

  /** Releases the sockets. The client must not be used afterwards. */
  close(): void {
    this.transport.close();
  }

  /**
   * Calls a vim25 method on `self` with arguments in WSDL order and decodes `returnval`.
   * Faults become typed errors (faults.ts); NotAuthenticated re-logs in once when credentials are known.
   */
  async invoke(method: string, self: ManagedObjectReference, args: readonly SoapArgument[], options: InvokeOptions = {}): Promise<VimValue | undefined> {
    const generation = this.sessionGeneration;
    try {
      return await this.send(method, self, args, options);
    } catch (error) {
      if (!(error instanceof VimNotAuthenticatedError) || method === 'Login' || method === 'Logout' || this.userName === '') throw error;
      await this.reloginOnce(generation);
      return this.send(method, self, args, options);
    }
  }

  private reloginOnce(failedGeneration: number): Promise<void> {
    if (this.sessionGeneration !== failedGeneration) return Promise.resolve();
    this.relogin ??= this.login().then(
      () => void (this.relogin = undefined),
      (error: unknown) => {
        this.relogin = undefined;
        throw error;
      },
    );
    return this.relogin;
  }

  private async send(method: string, self: ManagedObjectReference, args: readonly SoapArgument[], options: InvokeOptions): Promise<VimValue | undefined> {
    const reply = await this.transport.post({
      label: method,
      body: buildEnvelope(method, self, args),
      headers: this.headers(),
      idempotent: options.idempotent ?? IDEMPOTENT_METHODS.has(method),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    this.keepSessionCookie(reply);
    const body = responseBody(reply, method);
    if (isSoapFault(body)) {
      const fault = parseSoapFault(body);
      if (VIM_SCHEMA.isA(fault.fault.$type, 'NotAuthenticated')) {
        throw new VimNotAuthenticatedError(method);
      }
      throw faultToError(fault, { method, self, userName: this.userName });
    }
    const returns = body.children.filter((child) => child.localName === 'returnval');
    const declared = options.returns ?? 'anyType';
    if (options.returnsArray) return returns.map((element) => decodeElement(element, declared));
    const first = returns[0];
    return first === undefined ? undefined : decodeElement(first, declared);
  }

  private headers(): Record<string, string> {
    const version = this.options.apiVersion ?? this.content?.about.apiVersion;
    return {
      'Content-Type': 'text/xml; charset=utf-8',
      SOAPAction: version === undefined ? '"urn:vim25"' : `"urn:vim25/${version}"`,
      'User-Agent': this.options.userAgent ?? 'vicsim-vim25',
      ...(this.cookie === undefined ? {} : { Cookie: this.cookie }),
    };
  }

  private keepSessionCookie(reply: HttpReply): void {
    for (const header of reply.setCookie) {
      const pair = header.split(';', 1)[0]?.trim() ?? '';
      if (pair.startsWith(`${SESSION_COOKIE}=`)) this.cookie = pair;
    }
  }
}

/** The element inside soapenv:Body of a reply, or SystemError for anything that is not SOAP. */
function responseBody(reply: HttpReply, method: string): XmlElement {
  let envelope: XmlElement;
  try {
    envelope = parseXml(reply.body);
  } catch (error) {
    throw new SystemError(`${method}: HTTP ${reply.status} with a body that is not XML: ${(error as Error).message}`);
  }
  const element = envelope.localName === 'Envelope' && envelope.namespace === SOAP_ENVELOPE_NS ? childNamed(envelope, 'Body', SOAP_ENVELOPE_NS)?.children[0] : undefined;
  if (element === undefined) throw new SystemError(`${method}: HTTP ${reply.status} without a SOAP body`);
  return element;
}
