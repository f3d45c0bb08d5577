#!/usr/bin/perl
# The conformance scenario with SOAP::Lite, written the way its users call a .NET asmx service
# (tests/conformance/README.md has the protocol): SOAP::Lite reads no document/literal WSDL, so
# the client is ->proxy(url) with the service namespace as default_ns (the operation element and
# its unprefixed parameters land in it), a SOAPAction of namespace + operation name, and
# parameters built by hand with SOAP::Data->name(...), nested ones as \SOAP::Data->value(...).
use strict;
use warnings;
use utf8;

use JSON::PP;
use SOAP::Lite;

my $NS = 'http://www.pragmaticsw.com/';
my $JSON = JSON::PP->new->utf8->canonical;

sub read_config {
    my ($path) = @_;
    open my $fh, '<:encoding(UTF-8)', $path or die "$path: $!";
    my %config;
    while (my $line = <$fh>) {
        chomp $line;
        my ($key, $value) = split /=/, $line, 2;
        $config{$key} = $value if defined $value;
    }
    return \%config;
}

sub decode_title {
    my ($text) = @_;
    $text =~ s/&#60;/</g;
    $text =~ s/&#62;/>/g;
    $text =~ s/&amp;/&/g;
    return $text;
}

# SOAP::SOM's faultcode and faultstring read the SOAP 1.1 layout only: a SOAP 1.2 fault's code
# and reason are read by their paths, as SOAP::Lite users do.
sub fault_code { my ($som) = @_; scalar($som->faultcode) // scalar($som->valueof('//Fault/Code/Value')) }
sub fault_string { my ($som) = @_; scalar($som->faultstring) // scalar($som->valueof('//Fault/Reason/Text')) }

# The detail is <detail><Description Text="..."/></detail>: SOAP::Lite's faultdetail hash keeps
# no attributes, so the attribute is read from the SOM.
sub fault_detail {
    my ($som) = @_;
    my $description = $som->dataof('//Fault/detail/Description');
    return $description ? $description->attr->{Text} : fault_string($som);
}

# A fault is not an exception in SOAP::Lite: the call returns a SOM that holds it.
sub check {
    my ($som) = @_;
    die sprintf("SOAP fault %s: %s: %s\n", fault_code($som), fault_string($som), fault_detail($som))
        if $som->fault;
    return $som;
}

sub report {
    my ($step, $action) = @_;
    my $data;
    my $line = eval { $data = $action->(); 1 }
        ? { step => $step, ok => JSON::PP::true, data => $data }
        : { step => $step, ok => JSON::PP::false, error => do { (my $e = $@) =~ s/\s+$//; $e } };
    local $| = 1;
    print $JSON->encode($line), "\n";
}

sub param { SOAP::Data->name(@_) }

# Autotyping makes any non-ASCII string xsd:base64Binary: text is typed as a string by hand.
sub text { SOAP::Data->name(@_)->type('string') }

sub struct {
    my ($name, @members) = @_;
    return SOAP::Data->name($name => \SOAP::Data->value(@members));
}

my $c = read_config($ARGV[0]);
# The version is chosen before the client is made: $soap->soapversion('1.2') on a made client
# only switches SOAP::Lite's globals, and its serializer then writes an unqualified <Envelope>.
SOAP::Lite->soapversion($c->{version});
my $soap = SOAP::Lite->proxy($c->{url})
    ->default_ns($NS)
    ->on_action(sub { $NS . $_[1] });

sub auth {
    my ($passcode) = @_;
    return struct(AuthenticationData => param(AppCode => $c->{app_code}), param(DeptId => $c->{dept_id}),
                  param(ProjId => $c->{proj_id}), param(UserId => $c->{user_id}),
                  param(PassCode => $passcode // $c->{passcode}));
}

my %state;

report(get_version => sub {
    return { version => check($soap->GetVersion)->result };
});

report(get_login_info => sub {
    my $som = check($soap->GetLoginInfo(param(AppCode => ''), param(Email => $c->{email}),
                                        param(Password => $c->{password})));
    return { user_id => $som->valueof('//GetLoginInfoResult/UserId') + 0,
             proj_ids => [map { $_->{ProjId} + 0 } $som->valueof('//GetLoginInfoResult/Projects/Project')] };
});

report(load_by_criteria => sub {
    my $som = check($soap->Bugs_LoadByCriteria(
        auth(), param(Condition => $c->{condition}), param(Sorting => $c->{sorting}),
        param(PageSize => $c->{page_size}), param(PageNumber => $c->{page_number})));
    return { ids => [map { $_->{BugId} + 0 } $som->valueof('//Bugs_LoadByCriteriaResult/Bug')] };
});

report(add_bug => sub {
    $state{bug} = check($soap->Bugs_Add(
        auth(), struct(Bug => text(Title => $c->{title}), param(StatusCode => 'Active')),
        param(SendEmailAlert => 'N')))->result;
    return { id => $state{bug} + 0 };
});

report(load_bug => sub {
    my $bug = check($soap->Bugs_Load(auth(), param(BugId => $state{bug})))->result;
    return { title => decode_title($bug->{Title}), status => $bug->{StatusCode} };
});

# The Load result as a hash would lose the member order XmlSerializer needs (and repeated
# <string> items): dataof gives the element as SOAP::Data, its members in the order they came,
# which is sent back under the parameter's name with only the Title changed.
sub round_trip {
    my ($prefix, $add_param, $update_param, $id_param, $id_field, $new_members) = @_;
    return sub {
        my $call = sub { my $operation = shift; check($soap->call("${prefix}_$operation" => auth(), @_)) };
        my $id = $call->(Add => struct($add_param => $new_members->($c->{rt_title})))->result;
        my $loaded = $call->(Load => param($id_param => $id))->dataof("//${prefix}_LoadResult");
        $loaded->name($update_param);
        for my $member (${ $loaded->value }->value) {
            $member->value($c->{rt_new_title})->type('string') if $member->name eq 'Title';
        }
        $call->(Update => $loaded);
        my $after = $call->(Load => param($id_param => $id))->result;
        return { id => $after->{$id_field} + 0, title => decode_title($after->{Title}) };
    };
}

# The members of a new item, in WSDL order (XmlSerializer reads them in that order).
report(round_trip_bug => round_trip(qw(Bugs Bug Bug BugId BugId),
                                    sub { text(Title => $_[0]), param(StatusCode => 'Active') }));
report(round_trip_release => round_trip(qw(Releases Release Release ReleaseId Id),
                                        sub { param(ReleaseType => 'Release'), text(Title => $_[0]) }));
report(round_trip_spec => round_trip(qw(FunctionalSpecs FunctionalSpecs FunctionalSpec FunctionalSpecId FunctSpecId),
                                     sub { text(Title => $_[0]) }));
report(round_trip_task => round_trip(qw(ProjectTasks ProjectTask ProjectTasks TaskId TaskId),
                                     sub { text(Title => $_[0]) }));

report(release_cascade => sub {
    my $add = sub {
        my ($title, $kind, $parent) = @_;
        return check($soap->Releases_Add(auth(), struct(Release => param(ParentId => $parent),
            param(ReleaseType => $kind), text(Title => $title))))->result;
    };
    my $release = $add->('Cascade release', 'Release', 0);
    my $iteration = $add->('Cascade iteration', 'Iteration', $release);
    my $build = $add->('Cascade build', 'Build', $iteration);
    check($soap->Releases_Delete(auth(), param(ReleaseId => $release)));
    my $som = $soap->Releases_Load(auth(), param(ReleaseId => $build));
    return { ids => [map { $_ + 0 } $release, $iteration, $build],
             fault => $som->fault ? fault_detail($som) : undef };
});

report(wrong_passcode => sub {
    my $som = $soap->Bugs_Load(auth($c->{wrong_passcode}), param(BugId => $state{bug}));
    die "no fault\n" unless $som->fault;
    return { code => fault_code($som), string => fault_string($som), detail => fault_detail($som) };
});

report(delete_bug => sub {
    check($soap->Bugs_Delete(auth(), param(BugId => $state{bug})));
    my $som = $soap->Bugs_Load(auth(), param(BugId => $state{bug}));
    die "no fault\n" unless $som->fault;
    return { fault => fault_detail($som) };
});

# The members of a loaded item (SOAP::Data from dataof), in the order they came.
sub members { my ($item) = @_; return ${ $item->value }->value }

sub member {
    my ($item, $name) = @_;
    my ($member) = grep { $_->name eq $name } members($item);
    return $member ? $member->value : undef;
}

# A loaded item sent back as it came, under the parameter's name, with the given members in place
# of its own; one it lacks (a null string the service left out) goes in its WSDL place, after $after.
sub changed {
    my ($item, $name, $after, @changes) = @_;
    my %change = map { $_->name => $_ } @changes;
    my @members = members($item);
    my %had = map { $_->name => 1 } @members;
    my @missing = grep { !$had{ $_->name } } @changes;
    my @sent = map { $change{ $_->name } // $_ } @members;
    return SOAP::Data->name($name => \SOAP::Data->value(map { $_->name eq $after ? ($_, @missing) : $_ } @sent));
}

report(ci_reporter => sub {
    my $by_criteria = sub {
        my ($prefix, $type, $condition, $sorting) = @_;
        return check($soap->call("${prefix}_LoadByCriteria" => auth(), param(Condition => $condition),
                                 param(Sorting => $sorting // ''), param(PageSize => 200), param(PageNumber => 1)))
            ->dataof("//${prefix}_LoadByCriteriaResult/$type");
    };
    my ($set) = $by_criteria->(TestSets => TestSet => $c->{set_condition});
    my $set_id = member($set, 'TestSetId');
    my $run_id = check($soap->TestRuns_Add(auth(), struct(TestRun => param(TestSetId => $set_id)),
                                           param(SendEmailAlert => 'N')))->result;
    (my $items_condition = $c->{items_condition}) =~ s/\{run\}/$run_id/g;
    my @items = $by_criteria->(TestRunItems => TestRunItem => $items_condition, 'Seq');
    my $result_count = 0;
    for my $item (@items) {
        my $item_id = member($item, 'TestRunItemId');
        (my $condition = $c->{results_condition}) =~ s/\{item\}/$item_id/g;
        for my $result ($by_criteria->(TestRunResults => TestRunResult => $condition, 'Seq')) {
            check($soap->TestRunResults_Update(
                auth(), changed($result, TestRunResult => 'ExpectedResults', param(StatusCode => 'Passed'),
                                text(ActualResults => $c->{actual_results})),
                param(SendEmailAlert => 'N')));
            $result_count++;
        }
        check($soap->TestRunItems_Update(
            auth(), changed($item, TestRunItem => 'RunTime', param(StatusCode => 'Passed'),
                            param(RunTime => $c->{run_time})),
            param(SendEmailAlert => 'N')));
    }
    my $run = check($soap->TestRuns_Load(auth(), param(TestRunId => $run_id)))->result;
    return { set_id => $set_id + 0, run_id => $run_id + 0, item_ids => [map { member($_, 'TestRunItemId') + 0 } @items],
             result_count => $result_count, status => $run->{StatusCode}, nbr_tests => $run->{NbrTests} + 0,
             nbr_passed => $run->{NbrPassed} + 0, run_time_formated => $run->{RunTimeFormated} };
});
