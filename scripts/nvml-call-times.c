// Times each NVML call the ResourceSampler makes (median and max of 30, wall and thread CPU) on
// the real driver: cc -O2 -o /tmp/nvml-call-times scripts/nvml-call-times.c -ldl && /tmp/nvml-call-times
// (needs libnvidia-ml.so.1, i.e. an NVIDIA driver; not part of the build or the tests).
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
typedef void* dev_t_;
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e3+t.tv_nsec/1e6;}
static double cpu(void){struct timespec t;clock_gettime(CLOCK_THREAD_CPUTIME_ID,&t);return t.tv_sec*1e3+t.tv_nsec/1e6;}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
int main(void){
  void* h=dlopen("libnvidia-ml.so.1",RTLD_NOW); if(!h){puts(dlerror());return 1;}
  int(*init)(void)=dlsym(h,"nvmlInit_v2"); init();
  int(*byidx)(unsigned,dev_t_*)=dlsym(h,"nvmlDeviceGetHandleByIndex_v2"); dev_t_ d; byidx(0,&d);
  unsigned char buf[65536]; unsigned u; unsigned long long ull; unsigned cnt;
  struct { const char* name; int kind; } fns[] = {
    {"nvmlDeviceGetUtilizationRates",0},{"nvmlDeviceGetMemoryInfo_v2",1},{"nvmlDeviceGetTemperature",2},
    {"nvmlDeviceGetPowerUsage",3},{"nvmlDeviceGetClockInfo",4},{"nvmlDeviceGetPcieThroughput",5},
    {"nvmlDeviceGetCurrentClocksEventReasons",6},{"nvmlDeviceGetComputeRunningProcesses_v3",7},
    {"nvmlDeviceGetGraphicsRunningProcesses_v3",7}};
  for (unsigned i=0;i<sizeof fns/sizeof fns[0];i++){
    void* f=dlsym(h,fns[i].name); if(!f){printf("%s missing\n",fns[i].name);continue;}
    double ms[30], cp[30]; int rc=0;
    for(int r=0;r<30;r++){ double t0=now(), c0=cpu();
      switch(fns[i].kind){
        case 0: rc=((int(*)(dev_t_,void*))f)(d,buf);break;
        case 1: *(unsigned*)buf=(40<<0)|(2<<24); rc=((int(*)(dev_t_,void*))f)(d,buf);break;
        case 2: rc=((int(*)(dev_t_,int,unsigned*))f)(d,0,&u);break;
        case 3: rc=((int(*)(dev_t_,unsigned*))f)(d,&u);break;
        case 4: rc=((int(*)(dev_t_,int,unsigned*))f)(d,1,&u);break;
        case 5: rc=((int(*)(dev_t_,int,unsigned*))f)(d,r&1,&u);break;
        case 6: rc=((int(*)(dev_t_,unsigned long long*))f)(d,&ull);break;
        case 7: cnt=256; rc=((int(*)(dev_t_,unsigned*,void*))f)(d,&cnt,buf);break;
      }
      ms[r]=now()-t0; cp[r]=cpu()-c0; }
    qsort(ms,30,sizeof ms[0],cmp); qsort(cp,30,sizeof cp[0],cmp);
    printf("%-45s rc=%d  wall median %.3f ms max %.3f ms | cpu median %.3f ms max %.3f ms\n",fns[i].name,rc,ms[15],ms[29],cp[15],cp[29]);
  }
  return 0;
}
